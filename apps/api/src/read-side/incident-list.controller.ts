import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@engine/domain';
import { CurrentActor } from '@engine/platform';
import { ReadModelQueries } from '@engine/read-models';
import { withCursor } from './read-side.errors';
import { IncidentListQuery } from './read-side.dto';
import { scopeOf } from './read-scope';

/** `GET /incidents`: the list, from the read model (single incidents are read from their streams). */
@ApiTags('incidents')
@ApiBearerAuth()
@Controller('incidents')
export class IncidentListController {
  constructor(private readonly queries: ReadModelQueries) {}

  @Get()
  @ApiOperation({
    summary: 'Incidents, filtered and sorted, in pages (a lead: its own customer only)',
  })
  list(@Query() query: IncidentListQuery, @CurrentActor() actor: Actor) {
    const { limit, cursor, sort, ...filters } = query;
    return withCursor(() =>
      this.queries.incidents.list(filters, sort ?? 'receivedAt', { limit, cursor }, scopeOf(actor)),
    );
  }
}
