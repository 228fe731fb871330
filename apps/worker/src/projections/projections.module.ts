import { Module } from '@nestjs/common';
import { EventSourcingModule, SqlDatabaseModule } from '@engine/platform';
import { ProjectionsService } from './projections.service';

/**
 * The projection runners and the problem-link reactor, on the event store (EventSourcingModule)
 * and the read store (SqlDatabaseModule); the host provides the global PlatformModule.
 */
@Module({
  imports: [EventSourcingModule, SqlDatabaseModule],
  providers: [ProjectionsService],
  exports: [ProjectionsService],
})
export class ProjectionsModule {}
