import { Logger, Module, type Provider } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { PolicyRegistry } from '@engine/domain';
import type { EventStore } from '@engine/event-store';
import {
  DirectoryFreshness,
  EmailIntake,
  INTAKE_MIGRATIONS,
  IntakeDirectoryStore,
  IntakeLogStore,
} from '@engine/intake';
import {
  CustomerReader,
  EVENT_STORE,
  EventSourcingModule,
  POLICY_REGISTRY,
  SQL_DATABASE,
  SqlDatabaseModule,
  type SqlDatabase,
} from '@engine/platform';
import { migrateReadModels } from '@engine/read-models';
import { CommandSideModule } from '../command-side.module';
import { CommandBusIntakeCommands } from './intake-commands.adapter';

/** The read store once the intake's tables (and the feed followers' bookkeeping) exist. */
export const INTAKE_DATABASE = 'INTAKE_DATABASE';

const providers: Provider[] = [
  {
    provide: INTAKE_DATABASE,
    inject: [SQL_DATABASE],
    useFactory: async (database: SqlDatabase): Promise<SqlDatabase> => {
      // Checkpoints and leases of the intake's feed follower live in the read models' tables.
      await migrateReadModels(database);
      await database.migrate(INTAKE_MIGRATIONS);
      return database;
    },
  },
  {
    provide: IntakeDirectoryStore,
    inject: [INTAKE_DATABASE],
    useFactory: (database: SqlDatabase) => new IntakeDirectoryStore(database),
  },
  {
    provide: IntakeLogStore,
    inject: [INTAKE_DATABASE],
    useFactory: (database: SqlDatabase) => new IntakeLogStore(database),
  },
  {
    provide: DirectoryFreshness,
    inject: [EVENT_STORE, INTAKE_DATABASE],
    useFactory: (store: EventStore, database: SqlDatabase) =>
      new DirectoryFreshness(store, database),
  },
  CommandBusIntakeCommands,
  {
    provide: EmailIntake,
    inject: [
      CommandBusIntakeCommands,
      IntakeDirectoryStore,
      IntakeLogStore,
      DirectoryFreshness,
      CustomerReader,
      POLICY_REGISTRY,
    ],
    useFactory: (
      commands: CommandBusIntakeCommands,
      directory: IntakeDirectoryStore,
      log: IntakeLogStore,
      freshness: DirectoryFreshness,
      customers: CustomerReader,
      policies: PolicyRegistry,
    ) =>
      new EmailIntake(
        commands,
        directory,
        log,
        freshness,
        customers,
        policies,
        new Logger('Intake'),
      ),
  },
];

/**
 * Email intake as both programs use it: the API's `POST /intake/email` and the worker's SMTP
 * listener feed the same EmailIntake, which dispatches through the command side's CommandBus
 * handlers (imported here so that a worker running alone has them too; Nest keeps one instance
 * of each module, so the API registers them once).
 */
@Module({
  imports: [CqrsModule, SqlDatabaseModule, EventSourcingModule, CommandSideModule],
  providers,
  exports: [EmailIntake, IntakeDirectoryStore, IntakeLogStore, INTAKE_DATABASE],
})
export class IntakeCoreModule {}
