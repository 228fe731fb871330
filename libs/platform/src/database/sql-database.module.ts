import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../platform.module';
import { StartupError } from '../startup/startup-error';
import { resolveReadStore } from './read-store';
import { createSqlDatabase, type SqlDatabase, type SqlDatabaseOptions } from './sql-database';

/** Injection token of the read store's SqlDatabase (see resolveReadStore). */
export const SQL_DATABASE = 'SQL_DATABASE';

/**
 * The read store, opened once per process from ENGINE_CONFIG and closed on shutdown. Global:
 * read models, sequences and idempotency keys all live in it. Each owner applies its own
 * migrations (`database.migrate(...)`) when its module starts.
 */
/** Opens the read store; one sentence (StartupError) when it cannot be reached. */
export async function openReadStore(config: EngineConfig): Promise<SqlDatabase> {
  const options = resolveReadStore(config);
  try {
    return await createSqlDatabase(options);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StartupError(`${describeReadStore(options)} (${reason}).`, { cause: error });
  }
}

function describeReadStore(options: SqlDatabaseOptions): string {
  if (options.kind === 'sqlite')
    return `Cannot open the read store's SQLite file ${options.sqlitePath}`;
  const url = new URL(options.databaseUrl ?? '');
  if (url.password) url.password = '***';
  return `The read store's PostgreSQL at ${url.toString()} is not answering: start it or check DATABASE_URL`;
}

@Global()
@Module({
  providers: [
    {
      provide: SQL_DATABASE,
      inject: [ENGINE_CONFIG],
      useFactory: (config: EngineConfig): Promise<SqlDatabase> => openReadStore(config),
    },
  ],
  exports: [SQL_DATABASE],
})
export class SqlDatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(SQL_DATABASE) private readonly database: SqlDatabase) {}

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}
