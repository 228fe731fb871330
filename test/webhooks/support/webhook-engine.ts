import { randomBytes, randomUUID } from 'node:crypto';
import {
  INCIDENT_EVENT_TYPES,
  SYSTEM_ACTOR,
  createIncidentDecider,
  incidentStreamId,
  type IncidentCommand,
  type PolicyRegistry,
} from '@engine/domain';
import { handleCommand } from '@engine/event-store';
import { POLICY_REGISTRY } from '@engine/platform';
import { deleteQueueKeys } from '../../../libs/webhooks/src/testing/webhook-fixture';
import { startEngine, type EngineHarness, type StoreKind } from '../../support/engine-harness';
import type { SupportDesk } from '../../support/support-desk';

export interface WebhookEngine extends EngineHarness {
  readonly queuePrefix: string;
  readonly admin: string;
  /** POST /webhooks as the administrator; fails the test unless 201. */
  subscribe(body: Record<string, unknown>): Promise<any>;
  /** A system command on an incident (what a timer or a reactor sends), decided at `now`. */
  system(incidentId: string, command: Omit<IncidentCommand, 'meta'>, now: string): Promise<void>;
}

/**
 * The real engine with webhooks on: a random secret key, private targets allowed (the receiver is
 * on 127.0.0.1), queues under a prefix of this run only (deleted on close), and a retry schedule
 * in milliseconds unless the test gives its own.
 */
export async function startWebhookEngine(
  kind: StoreKind,
  env: Record<string, string> = {},
): Promise<WebhookEngine> {
  const queuePrefix = `test-${randomUUID().slice(0, 8)}`;
  const engine = await startEngine(kind, {
    WEBHOOK_SECRET_KEY: randomBytes(32).toString('hex'),
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    WEBHOOK_QUEUE_PREFIX: queuePrefix,
    TIMERS_QUEUE_PREFIX: queuePrefix,
    INTAKE_QUEUE_PREFIX: queuePrefix,
    WEBHOOK_RETRY_SCHEDULE: '0,200ms,400ms,800ms,1s,1s,2s,2s,3s,3s',
    ...env,
  });
  const admin = await engine.token('admin');
  const policies = engine.app.get<PolicyRegistry>(POLICY_REGISTRY);
  const decider = createIncidentDecider(policies);
  return {
    ...engine,
    queuePrefix,
    admin,
    async subscribe(body) {
      const created = await engine.call('POST', '/webhooks', { token: admin, body });
      if (created.status !== 201)
        throw new Error(`subscribe: ${created.status} ${JSON.stringify(created.body)}`);
      return created.body;
    },
    async system(incidentId, command, now) {
      await handleCommand(
        engine.store,
        incidentStreamId(incidentId),
        decider,
        { ...command, meta: { now, actor: SYSTEM_ACTOR } } as IncidentCommand,
        { commandId: randomUUID() },
      );
    },
    async close() {
      await engine.close();
      await deleteQueueKeys(queuePrefix);
    },
  };
}

/** Polls until `check` returns a value that is not false/undefined, or fails after `ms`. */
export async function eventually<T>(
  check: () => T | false | undefined | Promise<T | false | undefined>,
  what: string,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== false && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const later = (instant: string, ms: number): string =>
  new Date(Date.parse(instant) + ms).toISOString();

const DAY = 86_400_000;

/**
 * Drives incidents of the desk's customer through every incident event type: people through the
 * HTTP API, the clocks (SLA checks, reminders, timeouts) and the problem link as the system.
 * Returns the ids of the three incidents it opened.
 */
export async function everyIncidentEvent(
  engine: WebhookEngine,
  desk: SupportDesk,
): Promise<string[]> {
  const as = (token: string) => ({
    post: async (path: string, body: Record<string, unknown> = {}) => {
      const answer = await engine.call('POST', path, { token, body });
      if (answer.status >= 300)
        throw new Error(`${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    },
  });
  const lead = as(desk.lead);
  const engineer = as(desk.engineer);

  const a = await desk.open({ severity: 3 });
  const at = `/incidents/${a.id}`;
  await engineer.post(`${at}/severity`, { severity: 2, reason: 'More users affected' });
  const before = (await engine.call('GET', at, { token: desk.engineer })).body;
  await engine.system(
    a.id,
    { type: 'CheckResponseSla', data: {} },
    later(before.responseDueAt, 1000),
  );
  await engineer.post(`${at}/responses`, { message: 'Looking into it.' });
  await engineer.post(`${at}/responses`, { message: 'Still on it.' });
  const waiting = await engineer.post(`${at}/information-requests`, {
    message: 'Which nginx version?',
    kind: 'information',
  });
  await engine.system(
    a.id,
    { type: 'RemindCustomer', data: { reminder: 0 } },
    later(waiting.customerSideDeadline, -DAY),
  );
  await lead.post(`${at}/customer-replies`, { message: '1.25.3' });
  await engineer.post(`${at}/severity`, { severity: 1, reason: 'Production down' });
  await engineer.post(`${at}/status-report-schedule`, { every: 'P2D' });
  const reported = await engineer.post(`${at}/status-reports`, { summary: 'Patch in testing.' });
  await engine.system(
    a.id,
    { type: 'CheckStatusReport', data: {} },
    later(reported.statusReportDueAt, 1000),
  );
  await lead.post(`${at}/escalations`, { reason: 'unresolved', message: 'Still down.' });
  await engineer.post(`${at}/workaround`, { workaround: 'Restart nginx hourly.' });
  await engine.system(
    a.id,
    { type: 'LinkToProblem', data: { problemId: 'p-1', workaround: null } },
    new Date().toISOString(),
  );
  const classified = await engine.call('PATCH', at, {
    token: desk.engineer,
    body: { category: 'os-bug' },
  });
  if (classified.status !== 200)
    throw new Error(`classify: ${classified.status} ${JSON.stringify(classified.body)}`);
  await engineer.post(`${at}/resolution`, { resolution: 'Fixed in 1.25.4.' });
  await lead.post(`${at}/reopen`, { message: 'It is back.' });
  await lead.post(`${at}/closure`, { reason: 'withdrawn' });

  const b = await desk.open({
    kind: 'service-request',
    severity: 4,
    title: 'How to tune workers?',
  });
  await engineer.post(`/incidents/${b.id}/responses`, { message: 'Sure, one moment.' });
  await lead.post(`/incidents/${b.id}/status-report-requests`, { message: 'Any news?' });

  const c = await desk.open({ severity: 3, title: 'Disk fills up' });
  const asked = await engineer.post(`/incidents/${c.id}/information-requests`, {
    message: 'Please send the logs.',
    kind: 'information',
  });
  await engine.system(
    c.id,
    { type: 'TimeOutCustomerSide', data: {} },
    later(asked.customerSideDeadline, 1000),
  );
  return [a.id, b.id, c.id];
}

export const ALL_INCIDENT_EVENT_TYPES = [...INCIDENT_EVENT_TYPES].sort();
