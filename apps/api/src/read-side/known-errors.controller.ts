import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@engine/domain';
import { CurrentActor } from '@engine/platform';
import { ReadModelQueries } from '@engine/read-models';
import { withCursor } from './read-side.errors';
import { PageQuery } from './read-side.dto';
import { scopeOf } from './read-scope';

/** The knowledge base: every role; a lead sees the linked incidents of its own customer only. */
@ApiTags('problems')
@ApiBearerAuth()
@Controller('known-errors')
export class KnownErrorsController {
  constructor(private readonly queries: ReadModelQueries) {}

  @Get()
  @ApiOperation({ summary: 'Published known errors, the latest first' })
  list(@Query() { limit, cursor }: PageQuery, @CurrentActor() actor: Actor) {
    return withCursor(() => this.queries.knownErrors.list({ limit, cursor }, scopeOf(actor)));
  }
}
