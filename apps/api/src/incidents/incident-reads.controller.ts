import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { incidentView, type Actor } from '@engine/domain';
import { CurrentActor } from '@engine/platform';
import { withVersion } from '../http/command-context';
import { StreamIdPipe } from '../http/stream-id.pipe';
import { IncidentReader } from './incident-reader';

/** One incident and its audit trail, read from its stream. Every role; a lead: its own customer's. */
@ApiTags('incidents')
@ApiBearerAuth()
@Controller('incidents')
export class IncidentReadsController {
  constructor(private readonly incidents: IncidentReader) {}

  @Get(':id')
  @ApiOperation({ summary: 'The incident as it stands (ETag: its version)' })
  async get(
    @Param('id', StreamIdPipe) id: string,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { state, events } = await this.incidents.read(id, actor);
    return withVersion(response, incidentView(state), events.at(-1)?.version ?? 0n);
  }

  @Get(':id/events')
  @ApiOperation({ summary: "The incident's events in order: its audit trail" })
  events(@Param('id', StreamIdPipe) id: string, @CurrentActor() actor: Actor) {
    return this.incidents.auditTrail(id, actor);
  }
}
