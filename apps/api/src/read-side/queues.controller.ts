import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { VENDOR_ROLES, type Actor } from '@engine/domain';
import { CurrentActor, Roles } from '@engine/platform';
import { horizonMs, ReadModelQueries } from '@engine/read-models';
import { badParameter, withCursor } from './read-side.errors';
import { AtRiskQueueQuery, EscalationQueueQuery, PageQuery } from './read-side.dto';
import { scopeOf } from './read-scope';

/** The operations team's queues, from the incidents read model: vendor roles and ops. */
@ApiTags('queues')
@ApiBearerAuth()
@Roles(...VENDOR_ROLES, 'ops')
@Controller('queues')
export class QueuesController {
  constructor(private readonly queries: ReadModelQueries) {}

  @Get('vendor')
  @ApiOperation({ summary: 'Open incidents on the vendor side, the nearest next deadline first' })
  vendor(@Query() { limit, cursor }: PageQuery, @CurrentActor() actor: Actor) {
    return withCursor(() => this.queries.incidents.vendorQueue({ limit, cursor }, scopeOf(actor)));
  }

  @Get('awaiting-customer')
  @ApiOperation({ summary: "Incidents on the customer's side, the nearest timeout first" })
  awaitingCustomer(@Query() { limit, cursor }: PageQuery, @CurrentActor() actor: Actor) {
    return withCursor(() =>
      this.queries.incidents.awaitingCustomerQueue({ limit, cursor }, scopeOf(actor)),
    );
  }

  @Get('escalations')
  @ApiOperation({ summary: 'Escalated open incidents (of one level with `level`)' })
  escalations(
    @Query() { level, limit, cursor }: EscalationQueueQuery,
    @CurrentActor() actor: Actor,
  ) {
    return withCursor(() =>
      this.queries.incidents.escalationQueue(level, { limit, cursor }, scopeOf(actor)),
    );
  }

  @Get('at-risk')
  @ApiOperation({
    summary: 'Unanswered responses and status reports due within `within` (overdue first)',
  })
  atRisk(@Query() { within, limit, cursor }: AtRiskQueueQuery, @CurrentActor() actor: Actor) {
    const ms = horizonMs(within ?? 'PT4H');
    if (ms === null) throw badParameter('within', 'within must be a positive ISO 8601 duration');
    return withCursor(() =>
      this.queries.incidents.atRiskQueue(new Date(), ms, { limit, cursor }, scopeOf(actor)),
    );
  }
}
