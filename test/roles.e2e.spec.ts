import { startEngine, type EngineHarness } from './support/engine-harness';
import { supportDesk, type SupportDesk } from './support/support-desk';

type Caller =
  | 'admin'
  | 'ops'
  | 'engineer'
  | 'senior-engineer'
  | 'team-lead'
  | 'cxo'
  | 'lead'
  | 'other-lead'
  | 'anonymous';
const CALLERS: readonly Caller[] = [
  'admin',
  'ops',
  'engineer',
  'senior-engineer',
  'team-lead',
  'cxo',
  'lead',
  'other-lead',
  'anonymous',
];
const VENDORS: readonly Caller[] = ['engineer', 'senior-engineer', 'team-lead', 'cxo'];
const EVERYONE: readonly Caller[] = ['admin', 'ops', ...VENDORS, 'lead'];

interface Row {
  readonly name: string;
  readonly method: string;
  readonly path: (incidentId: string) => string;
  readonly body?: unknown | ((caller: Caller) => unknown);
  /** Who passes authorisation (the domain may still refuse with 422). */
  readonly allowed: readonly Caller[];
  /** A read that another customer's lead must not learn exists: 404 instead of 403. */
  readonly hidden?: boolean;
}

const rows: readonly Row[] = [
  {
    name: 'register customer',
    method: 'POST',
    path: () => '/customers',
    body: { name: 'N', plan: 'essential', hosts: 10 },
    allowed: ['admin'],
  },
  {
    name: 'read customer',
    method: 'GET',
    path: () => '/customers/acme',
    allowed: EVERYONE,
    hidden: true,
  },
  {
    name: 'change customer',
    method: 'PATCH',
    path: () => '/customers/acme',
    body: { hosts: 1000 },
    allowed: ['admin'],
  },
  {
    name: 'nominate lead',
    method: 'POST',
    path: () => '/customers/acme/leads',
    body: { userId: 'temp', name: 'T', email: 't@acme.example' },
    allowed: ['admin'],
  },
  {
    name: 'train lead',
    method: 'POST',
    path: () => '/customers/acme/leads/temp/training',
    allowed: ['admin'],
  },
  {
    name: 'remove lead',
    method: 'DELETE',
    path: () => '/customers/acme/leads/temp',
    allowed: ['admin'],
  },
  {
    name: 'open incident',
    method: 'POST',
    path: () => '/incidents',
    body: { severity: 4, category: 'nginx', title: 't', description: 'd' },
    allowed: ['lead', 'other-lead'],
  },
  {
    name: 'read incident',
    method: 'GET',
    path: (id) => `/incidents/${id}`,
    allowed: EVERYONE,
    hidden: true,
  },
  {
    name: 'read audit trail',
    method: 'GET',
    path: (id) => `/incidents/${id}/events`,
    allowed: EVERYONE,
    hidden: true,
  },
  {
    name: 'respond',
    method: 'POST',
    path: (id) => `/incidents/${id}/responses`,
    body: { message: 'm' },
    allowed: VENDORS,
  },
  {
    name: 'workaround',
    method: 'POST',
    path: (id) => `/incidents/${id}/workaround`,
    body: { workaround: 'w' },
    allowed: VENDORS,
  },
  {
    name: 'information request',
    method: 'POST',
    path: (id) => `/incidents/${id}/information-requests`,
    body: { message: 'm', kind: 'information' },
    allowed: VENDORS,
  },
  {
    name: 'customer reply',
    method: 'POST',
    path: (id) => `/incidents/${id}/customer-replies`,
    body: { message: 'm' },
    allowed: ['lead'],
  },
  {
    name: 'change severity',
    method: 'POST',
    path: (id) => `/incidents/${id}/severity`,
    body: { severity: 2, reason: 'r' },
    allowed: VENDORS,
  },
  {
    name: 'status report',
    method: 'POST',
    path: (id) => `/incidents/${id}/status-reports`,
    body: { summary: 's' },
    allowed: VENDORS,
  },
  {
    name: 'status report request',
    method: 'POST',
    path: (id) => `/incidents/${id}/status-report-requests`,
    body: {},
    allowed: ['lead'],
  },
  {
    name: 'status report schedule',
    method: 'POST',
    path: (id) => `/incidents/${id}/status-report-schedule`,
    body: { every: 'P2D' },
    allowed: VENDORS,
  },
  {
    name: 'escalate',
    method: 'POST',
    path: (id) => `/incidents/${id}/escalations`,
    body: { reason: 'unresolved', message: 'm' },
    allowed: ['lead'],
  },
  {
    name: 'resolve',
    method: 'POST',
    path: (id) => `/incidents/${id}/resolution`,
    body: { resolution: 'r' },
    allowed: VENDORS,
  },
  {
    name: 'close',
    method: 'POST',
    path: (id) => `/incidents/${id}/closure`,
    // Leads withdraw; vendors close out of scope.
    body: (caller: Caller) =>
      caller.endsWith('lead')
        ? { reason: 'withdrawn' }
        : { reason: 'out-of-scope', code: 'incorrect-use' },
    allowed: [...VENDORS, 'lead'],
  },
  {
    name: 'reopen',
    method: 'POST',
    path: (id) => `/incidents/${id}/reopen`,
    body: {},
    allowed: ['lead'],
  },
  {
    name: 'classify',
    method: 'PATCH',
    path: (id) => `/incidents/${id}`,
    body: { category: 'kafka' },
    allowed: VENDORS,
  },
  {
    name: 'record problem',
    method: 'POST',
    path: () => '/problems',
    body: { title: 't', description: 'd' },
    allowed: VENDORS,
  },
  {
    name: 'read problem',
    method: 'GET',
    path: () => '/problems/none',
    allowed: [...VENDORS, 'ops'],
  },
  {
    name: 'SLA preview',
    method: 'GET',
    path: () => '/sla/preview?plan=enhanced&severity=1&receivedAt=2026-11-27T16:00:00Z',
    allowed: [...EVERYONE, 'other-lead'],
  },
];

describe('Role matrix: every role against every endpoint', () => {
  let engine: EngineHarness;
  let desk: SupportDesk;
  const tokens = new Map<Caller, string | undefined>();
  beforeAll(async () => {
    engine = await startEngine('sqlite');
    desk = await supportDesk(engine);
    const other = await supportDesk(engine, { customerId: 'globex' });
    tokens
      .set('admin', desk.admin)
      .set('ops', desk.ops)
      .set('lead', desk.lead)
      .set('other-lead', other.lead);
    for (const role of VENDORS) tokens.set(role, await engine.token(role as 'engineer'));
    tokens.set('anonymous', undefined);
  }, 60_000);
  afterAll(() => engine?.close());

  it.each(rows.map((row) => [row.name, row] as const))(
    '%s',
    async (_name, row) => {
      const incident = await desk.open({ severity: 4 });
      const outcome: Record<string, string> = {};
      const expected: Record<string, string> = {};
      for (const caller of CALLERS) {
        const body = typeof row.body === 'function' ? row.body(caller) : row.body;
        const answer = await engine.call(row.method, row.path(incident.id), {
          token: tokens.get(caller),
          body,
        });
        outcome[caller] =
          answer.status === 401
            ? 'unauthenticated'
            : answer.status === 403
              ? 'forbidden'
              : answer.status === 404 && caller === 'other-lead' && row.hidden
                ? 'hidden'
                : 'allowed';
        expected[caller] =
          caller === 'anonymous'
            ? 'unauthenticated'
            : row.allowed.includes(caller)
              ? 'allowed'
              : caller === 'other-lead' && row.hidden
                ? 'hidden'
                : 'forbidden';
      }
      expect(outcome).toEqual(expected);
    },
    30_000,
  );
});
