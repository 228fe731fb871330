import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { IncidentStatus, IncidentView, Plan, Severity, Side } from '@engine/domain';
import { incidentRepresentation } from '../incidents/incident.projection';
import type { SqlDialect } from '../schema/table-schema';
import { decodeCursor, encodeCursor } from './cursor';
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  type Page,
  type PageRequest,
  type ReadModelTables,
  type TenantScope,
} from './read-model.tables';

export type IncidentSort = 'responseDueAt' | 'nextDeadline' | 'receivedAt';
export const INCIDENT_SORTS: readonly IncidentSort[] = [
  'responseDueAt',
  'nextDeadline',
  'receivedAt',
];

export interface IncidentFilters {
  readonly status?: IncidentStatus;
  readonly side?: Side;
  readonly severity?: Severity;
  readonly plan?: Plan;
  readonly customerId?: string;
  readonly escalationLevel?: number;
  readonly breached?: boolean;
  readonly category?: string;
}

/** What the operations team's queues may be narrowed to (the dashboard's filters). */
export type QueueFilters = Pick<
  IncidentFilters,
  'side' | 'severity' | 'plan' | 'customerId' | 'escalationLevel'
>;

export type IncidentItem = IncidentView & { readonly version: number };

/** The instant columns lists are ordered by (soonest first, nulls last, then id). */
type SortColumn =
  'received_at' | 'response_due_at' | 'next_deadline' | 'customer_side_deadline' | 'vendor_due_at';

const SORT_COLUMNS: Record<IncidentSort, SortColumn> = {
  responseDueAt: 'response_due_at',
  nextDeadline: 'next_deadline',
  receivedAt: 'received_at',
};

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- nothing selected yet
type IncidentQuery = SelectQueryBuilder<ReadModelTables, 'incidents', {}>;

export const pageSize = (limit: number | undefined): number =>
  Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(limit ?? DEFAULT_PAGE_SIZE)));

/**
 * Incident lists and the operations team's queues, from the `incidents` read model. Every list is
 * keyset-paged on (sort instant, id) with an opaque cursor, and tenant-scoped: a scope with a
 * customer sees only that customer's incidents, whatever the filters say.
 */
export class IncidentQueries {
  private readonly db: Kysely<ReadModelTables>;

  constructor(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the read store's untyped handle
    db: Kysely<any>,
    private readonly dialect: SqlDialect,
  ) {
    this.db = db as Kysely<ReadModelTables>;
  }

  list(
    filters: IncidentFilters,
    sort: IncidentSort,
    page: PageRequest,
    scope: TenantScope,
  ): Promise<Page<IncidentItem>> {
    let query = this.filtered(this.scoped(scope), filters);
    if (filters.status !== undefined) query = query.where('status', '=', filters.status);
    if (filters.breached !== undefined)
      query = query.where('breached', '=', this.bool(filters.breached));
    if (filters.category !== undefined) query = query.where('category', '=', filters.category);
    return this.pageOf(query, SORT_COLUMNS[sort], page);
  }

  /** Open incidents on the vendor's side, the nearest next deadline first. */
  vendorQueue(
    page: PageRequest,
    scope: TenantScope,
    filters: QueueFilters = {},
  ): Promise<Page<IncidentItem>> {
    const query = this.filtered(this.scoped(scope), filters)
      .where('status', '!=', 'closed')
      .where('side', '=', 'vendor');
    return this.pageOf(query, 'next_deadline', page);
  }

  /** Incidents waiting on the customer, the nearest customer-side timeout first. */
  awaitingCustomerQueue(
    page: PageRequest,
    scope: TenantScope,
    filters: QueueFilters = {},
  ): Promise<Page<IncidentItem>> {
    const query = this.filtered(this.scoped(scope), filters).where('side', '=', 'customer');
    return this.pageOf(query, 'customer_side_deadline', page);
  }

  /** Escalated open incidents (of one level when given), the nearest next deadline first. */
  escalationQueue(
    level: number | undefined,
    page: PageRequest,
    scope: TenantScope,
    filters: QueueFilters = {},
  ): Promise<Page<IncidentItem>> {
    let query = this.filtered(this.scoped(scope), filters).where('status', '!=', 'closed');
    query =
      level === undefined
        ? query.where('escalation_level', '>=', 1)
        : query.where('escalation_level', '=', level);
    return this.pageOf(query, 'next_deadline', page);
  }

  /**
   * Open incidents whose unanswered response or next status report falls due before
   * `now + withinMs` (overdue ones included), the soonest first.
   */
  atRiskQueue(
    now: Date,
    withinMs: number,
    page: PageRequest,
    scope: TenantScope,
    filters: QueueFilters = {},
  ): Promise<Page<IncidentItem>> {
    const horizon = new Date(now.getTime() + withinMs).toISOString();
    const query = this.filtered(this.scoped(scope), filters)
      .where('status', '!=', 'closed')
      .where('vendor_due_at', 'is not', null)
      .where('vendor_due_at', '<=', horizon);
    return this.pageOf(query, 'vendor_due_at', page);
  }

  /** The incident an `INC-1042` reference names (email intake), or null. */
  async incidentIdByNumber(number: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('incident_numbers')
      .select('incident_id')
      .where('number', '=', number)
      .executeTakeFirst();
    return row?.incident_id ?? null;
  }

  private scoped(scope: TenantScope): IncidentQuery {
    const query = this.db.selectFrom('incidents');
    return scope.customerId === undefined
      ? query
      : query.where('customer_id', '=', scope.customerId);
  }

  /** The filters lists and queues share; a queue's own condition is added on top. */
  private filtered(query: IncidentQuery, filters: QueueFilters): IncidentQuery {
    let narrowed = query;
    if (filters.side !== undefined) narrowed = narrowed.where('side', '=', filters.side);
    if (filters.severity !== undefined)
      narrowed = narrowed.where('severity', '=', filters.severity);
    if (filters.plan !== undefined) narrowed = narrowed.where('plan', '=', filters.plan);
    if (filters.customerId !== undefined)
      narrowed = narrowed.where('customer_id', '=', filters.customerId);
    if (filters.escalationLevel !== undefined)
      narrowed = narrowed.where('escalation_level', '=', filters.escalationLevel);
    return narrowed;
  }

  private bool(value: boolean): boolean | number {
    return this.dialect === 'sqlite' ? (value ? 1 : 0) : value;
  }

  private async pageOf(
    query: IncidentQuery,
    column: SortColumn,
    page: PageRequest,
  ): Promise<Page<IncidentItem>> {
    const limit = pageSize(page.limit);
    let selected = query.select(['id', 'state', 'version', sql.ref<string | null>(column).as('k')]);
    if (page.cursor !== undefined) {
      const after = decodeCursor(page.cursor, column);
      const key = after.key === null ? null : String(after.key);
      selected = selected.where((eb) =>
        key === null
          ? eb.and([eb(column, 'is', null), eb('id', '>', after.id)])
          : eb.or([
              eb(column, '>', key),
              eb.and([eb(column, '=', key), eb('id', '>', after.id)]),
              eb(column, 'is', null),
            ]),
      );
    }
    const rows = await selected
      .orderBy(column, (order) => order.asc().nullsLast())
      .orderBy('id', 'asc')
      .limit(limit + 1)
      .execute();
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(incidentRepresentation),
      nextCursor: rows.length > limit && last ? encodeCursor(column, last.k, last.id) : null,
    };
  }
}
