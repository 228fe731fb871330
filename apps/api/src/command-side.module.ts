import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { STREAM_COMMAND_HANDLERS } from './commands/stream-command.handlers';
import { CustomersController } from './customers/customers.controller';
import { IncidentReader } from './incidents/incident-reader';
import { IncidentReadsController } from './incidents/incident-reads.controller';
import { IncidentsController } from './incidents/incidents.controller';
import { OpenIncidentHandler } from './incidents/open-incident.handler';
import { ProblemsController } from './problems/problems.controller';
import { SlaPreviewController } from './sla/sla-preview.controller';

/**
 * Every command of the HTTP API, and the reads of single aggregates from their streams. The
 * CommandBus is only a dispatcher: each handler runs `handleCommand` on one stream.
 */
@Module({
  imports: [CqrsModule],
  controllers: [
    CustomersController,
    IncidentsController,
    IncidentReadsController,
    ProblemsController,
    SlaPreviewController,
  ],
  providers: [...STREAM_COMMAND_HANDLERS, OpenIncidentHandler, IncidentReader],
})
export class CommandSideModule {}
