import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { VENDOR_ROLES, type Actor } from '@engine/domain';
import { CurrentActor, Roles } from '@engine/platform';
import { horizonMs, ReadModelQueries, type QueueFilters } from '@engine/read-models';
import { badParameter, withCursor } from './read-side.errors';
import {
  AtRiskQueueQuery,
  EscalationQueueQuery,
  QueueFilterQuery,
  type PageQuery,
} from './read-side.dto';
import { scopeOf } from './read-scope';

/** A queue request split into its page and its filters. */
const pageAndFilters = ({
  limit,
  cursor,
  side,
  severity,
  plan,
  customerId,
  escalationLevel,
}: QueueFilterQuery): [PageQuery, QueueFilters] => [
  { limit, cursor },
  { side, severity, plan, customerId, escalationLevel },
];

/**
 * The operations team's queues, from the incidents read model: vendor roles and ops. Each takes
 * the incident list's filters `side`, `severity`, `plan`, `customerId` and `escalationLevel`.
 */
@ApiTags('queues')
@ApiBearerAuth()
@Roles(...VENDOR_ROLES, 'ops')
@Controller('queues')
export class QueuesController {
  constructor(private readonly queries: ReadModelQueries) {}

  @Get('vendor')
  @ApiOperation({ summary: 'Open incidents on the vendor side, the nearest next deadline first' })
  vendor(@Query() query: QueueFilterQuery, @CurrentActor() actor: Actor) {
    const [page, filters] = pageAndFilters(query);
    return withCursor(() => this.queries.incidents.vendorQueue(page, scopeOf(actor), filters));
  }

  @Get('awaiting-customer')
  @ApiOperation({ summary: "Incidents on the customer's side, the nearest timeout first" })
  awaitingCustomer(@Query() query: QueueFilterQuery, @CurrentActor() actor: Actor) {
    const [page, filters] = pageAndFilters(query);
    return withCursor(() =>
      this.queries.incidents.awaitingCustomerQueue(page, scopeOf(actor), filters),
    );
  }

  @Get('escalations')
  @ApiOperation({ summary: 'Escalated open incidents (of one level with `level`)' })
  escalations(@Query() query: EscalationQueueQuery, @CurrentActor() actor: Actor) {
    const [page, filters] = pageAndFilters(query);
    return withCursor(() =>
      this.queries.incidents.escalationQueue(query.level, page, scopeOf(actor), filters),
    );
  }

  @Get('at-risk')
  @ApiOperation({
    summary: 'Unanswered responses and status reports due within `within` (overdue first)',
  })
  atRisk(@Query() query: AtRiskQueueQuery, @CurrentActor() actor: Actor) {
    const ms = horizonMs(query.within ?? 'PT4H');
    if (ms === null) throw badParameter('within', 'within must be a positive ISO 8601 duration');
    const [page, filters] = pageAndFilters(query);
    return withCursor(() =>
      this.queries.incidents.atRiskQueue(new Date(), ms, page, scopeOf(actor), filters),
    );
  }
}
