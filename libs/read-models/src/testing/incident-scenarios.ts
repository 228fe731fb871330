import { randomUUID } from 'node:crypto';
import {
  almacarePolicy,
  createIncidentDecider,
  fold,
  incidentStreamId,
  type Actor,
  type IncidentCommand,
  type IncidentEvent,
  type Plan,
  type PolicyRegistry,
  type Severity,
} from '@engine/domain';
import { handleCommand, type EventStore, type RecordedEvent } from '@engine/event-store';

/* Test builders: real incident histories, decided by the real decider under the shipped policy. */

export const policy = almacarePolicy();
export const policies: PolicyRegistry = {
  current: policy,
  byVersion: (version) => (version === policy.version ? policy : undefined),
};
export const decider = createIncidentDecider(policies);

export const engineer: Actor = { id: 'eng-1', role: 'engineer' };
export const system: Actor = { id: 'system', role: 'system' };
export const leadOf = (customerId: string): Actor => ({
  id: `${customerId}-lead`,
  role: 'customer-lead',
  org: customerId,
});

export interface IncidentSpec {
  readonly id: string;
  readonly receivedAt: string;
  readonly number?: string;
  readonly customerId?: string;
  readonly plan?: Plan;
  readonly severity?: Severity;
}

const command = (
  type: IncidentCommand['type'],
  data: unknown,
  now: string,
  actor: Actor,
): IncidentCommand => ({ type, data, meta: { now, actor } }) as IncidentCommand;

export const openIncident = (spec: IncidentSpec): IncidentCommand => {
  const customerId = spec.customerId ?? 'acme';
  const plan = spec.plan ?? 'enhanced';
  return command(
    'OpenIncident',
    {
      incidentId: spec.id,
      number: spec.number ?? `INC-${spec.id}`,
      kind: 'incident',
      severity: spec.severity ?? 3,
      category: plan === 'essential' ? 'os-bug' : 'nginx',
      title: `Incident ${spec.id}`,
      description: 'Requests fail with 502.',
      channel: 'web',
      relatedIncidentId: null,
      policyVersion: policy.version,
      customer: {
        customerId,
        plan,
        timeZone: 'UTC',
        holidays: [],
        leads: [{ userId: leadOf(customerId).id, trained: true }],
      },
    },
    spec.receivedAt,
    leadOf(customerId),
  );
};

export const respond = (at: string) => command('Respond', { message: 'On it.' }, at, engineer);
export const requestInformation = (at: string) =>
  command('RequestInformation', { message: 'Logs?', kind: 'information' }, at, engineer);
export const reply = (at: string, customerId = 'acme') =>
  command('ReplyAsCustomer', { message: 'Attached.' }, at, leadOf(customerId));
export const changeSeverity = (severity: Severity, at: string) =>
  command('ChangeSeverity', { severity, reason: 'Impact changed' }, at, engineer);
export const checkSla = (at: string) => command('CheckResponseSla', {}, at, system);
export const escalate = (at: string, customerId = 'acme') =>
  command('Escalate', { reason: 'unresolved', message: 'Please hurry.' }, at, leadOf(customerId));
export const resolve = (at: string) =>
  command('Resolve', { resolution: 'Fixed.', workaround: null }, at, engineer);
export const withdraw = (at: string, customerId = 'acme') =>
  command(
    'CloseIncident',
    { reason: 'withdrawn', code: null, reference: null, message: 'Not needed.' },
    at,
    leadOf(customerId),
  );
export const closeOutOfScope = (at: string) =>
  command(
    'CloseIncident',
    { reason: 'out-of-scope', code: 'hardware-malfunction', reference: null, message: 'Hardware.' },
    at,
    engineer,
  );
export const reopen = (at: string, customerId = 'acme') =>
  command('Reopen', { message: 'It is back.' }, at, leadOf(customerId));

/** The events the commands record, in order, each with the time of its command. */
export function decideAll(
  commands: readonly IncidentCommand[],
): { event: IncidentEvent; at: string; actor: Actor }[] {
  let state = decider.initialState;
  const out: { event: IncidentEvent; at: string; actor: Actor }[] = [];
  for (const next of commands)
    for (const event of decider.decide(next, state)) {
      state = decider.evolve(state, event);
      out.push({ event, at: next.meta.now, actor: next.meta.actor });
    }
  return out;
}

/** Recorded events (as the feed delivers them) of one incident's commands, from `position + 1`. */
export function recordedIncident(
  incidentId: string,
  commands: readonly IncidentCommand[],
  position = 0n,
): RecordedEvent[] {
  return decideAll(commands).map(({ event, at, actor }, index) => ({
    id: randomUUID(),
    type: event.type,
    data: event.data,
    metadata: { occurredAt: at, actor, correlationId: 'test', causationId: null },
    streamId: incidentStreamId(incidentId),
    version: BigInt(index + 1),
    position: position + BigInt(index + 1),
  }));
}

/**
 * Runs the commands against a real store, each through handleCommand (the one command path);
 * returns the position of the last event appended (0 when none).
 */
export async function recordIncident(
  store: EventStore,
  incidentId: string,
  commands: readonly IncidentCommand[],
): Promise<bigint> {
  let last = 0n;
  for (const next of commands) {
    const { events } = await handleCommand(store, incidentStreamId(incidentId), decider, next, {
      commandId: randomUUID(),
    });
    for (const event of events) if (event.position > last) last = event.position;
  }
  return last;
}

export const stateAfter = (commands: readonly IncidentCommand[]) =>
  fold(
    decider,
    decideAll(commands).map(({ event }) => event),
  );
