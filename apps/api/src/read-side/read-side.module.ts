import { Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import {
  EventSourcingModule,
  SQL_DATABASE,
  SqlDatabaseModule,
  type SqlDatabase,
} from '@engine/platform';
import { migrateReadModels, ReadModelQueries } from '@engine/read-models';
import { ChangeStreamService } from './change-stream.service';
import { IncidentListController } from './incident-list.controller';
import { KnownErrorsController } from './known-errors.controller';
import { ProjectionRebuilds } from './projection-rebuilds.service';
import { ProjectionsAdminController } from './projections-admin.controller';
import { QueuesController } from './queues.controller';
import { ReportsController } from './reports.controller';
import { StreamController } from './stream.controller';

/** The read models' tables exist before the first query, even with no worker in this process. */
@Injectable()
class ReadModelSchema implements OnModuleInit {
  constructor(@Inject(SQL_DATABASE) private readonly database: SqlDatabase) {}

  async onModuleInit(): Promise<void> {
    await migrateReadModels(this.database);
  }
}

/**
 * The read side of the HTTP API: lists, queues, the SLA report and known errors from the read
 * models, the live `/stream`, and projection rebuilds. The projection runners themselves live in
 * the worker (ProjectionsModule); without one in this process, `/stream` tails the read model.
 */
@Module({
  imports: [EventSourcingModule, SqlDatabaseModule],
  controllers: [
    IncidentListController,
    QueuesController,
    ReportsController,
    KnownErrorsController,
    ProjectionsAdminController,
    StreamController,
  ],
  providers: [
    ReadModelSchema,
    {
      provide: ReadModelQueries,
      inject: [SQL_DATABASE],
      useFactory: (database: SqlDatabase) => new ReadModelQueries(database),
    },
    ChangeStreamService,
    ProjectionRebuilds,
  ],
})
export class ReadSideModule {}
