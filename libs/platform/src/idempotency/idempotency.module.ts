import { Inject, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { SqlDatabase } from '../database/sql-database';
import { SQL_DATABASE } from '../database/sql-database.module';
import {
  DEFAULT_IDEMPOTENCY_OPTIONS,
  IDEMPOTENCY_OPTIONS,
  IdempotencyGuard,
  type IdempotencyOptions,
} from './idempotency.guard';
import { IDEMPOTENCY_MIGRATIONS } from './idempotency.migrations';
import { IdempotencyStore } from './idempotency.store';

/**
 * Idempotency-Key for every POST, PATCH and DELETE of the app (a global guard: import this
 * module after AuthModule, whose guard must run first), kept in the read store (SQL_DATABASE, from
 * the global SqlDatabaseModule). Migrates its table on start.
 */
@Module({
  providers: [
    {
      provide: IdempotencyStore,
      inject: [SQL_DATABASE],
      useFactory: (database: SqlDatabase) => new IdempotencyStore(database),
    },
    { provide: IDEMPOTENCY_OPTIONS, useValue: DEFAULT_IDEMPOTENCY_OPTIONS },
    { provide: APP_GUARD, useClass: IdempotencyGuard },
  ],
})
export class IdempotencyModule implements OnModuleInit {
  constructor(@Inject(SQL_DATABASE) private readonly database: SqlDatabase) {}

  /** With other timings (tests). */
  static withOptions(options: Partial<IdempotencyOptions>): DynamicModule {
    return {
      module: IdempotencyModule,
      providers: [
        { provide: IDEMPOTENCY_OPTIONS, useValue: { ...DEFAULT_IDEMPOTENCY_OPTIONS, ...options } },
      ],
    };
  }

  async onModuleInit(): Promise<void> {
    await this.database.migrate(IDEMPOTENCY_MIGRATIONS);
  }
}
