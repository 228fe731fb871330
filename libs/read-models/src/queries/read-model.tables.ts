/** The read models' tables as the query services see them (driver types: pg answers bigint as text). */
type BigIntColumn = string | number;
type BoolColumn = boolean | number;

export interface IncidentsTable {
  id: string;
  number: string;
  customer_id: string;
  plan: string;
  severity: number;
  category: string;
  status: string;
  side: string | null;
  escalation_level: number;
  response_sla: string;
  breached: BoolColumn;
  received_at: string;
  response_due_at: string;
  responded_at: string | null;
  next_deadline: string | null;
  status_report_due_at: string | null;
  customer_side_deadline: string | null;
  vendor_due_at: string | null;
  closed_at: string | null;
  close_reason: string | null;
  version: BigIntColumn;
  position: BigIntColumn;
  state: string;
}

export interface IncidentNumbersTable {
  number: string;
  incident_id: string;
}

export interface SlaClocksTable {
  incident_id: string;
  customer_id: string;
  plan: string;
  severity: number;
  received_at: string;
  response_due_at: string;
  ended_at: string | null;
  outcome: string | null;
  response_time_ms: BigIntColumn | null;
  breached_at: string | null;
  out_of_scope: BoolColumn;
  position: BigIntColumn;
}

export interface KnownErrorsTable {
  id: string;
  title: string;
  status: string;
  root_cause: string | null;
  workaround: string | null;
  published_at: string | null;
  linked_incidents: string;
  version: BigIntColumn;
  position: BigIntColumn;
  state: string;
}

export interface CustomersTable {
  id: string;
  name: string;
  plan: string;
  hosts: number;
  time_zone: string;
  leads_count: number;
  trained_leads_count: number;
  version: BigIntColumn;
  position: BigIntColumn;
  state: string;
}

export interface ReadModelTables {
  incidents: IncidentsTable;
  incident_numbers: IncidentNumbersTable;
  sla_clocks: SlaClocksTable;
  known_errors: KnownErrorsTable;
  customers: CustomersTable;
}

/** What a caller may see: a customer lead only its own customer's rows. */
export interface TenantScope {
  /** Set for a customer lead: its `org`. */
  readonly customerId?: string;
}

export interface PageRequest {
  /** 1-200; default 50. */
  readonly limit?: number;
  readonly cursor?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
