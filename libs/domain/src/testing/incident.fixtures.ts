import type { Actor, CommandMeta } from '../decider/decider';
import { createIncidentDecider } from '../incident/incident.decider';
import type { IncidentCommand } from '../incident/incident.commands';
import type { IncidentEvent } from '../incident/incident.events';
import type { CustomerSnapshot, Severity } from '../incident/incident.model';
import { evolveIncident } from '../incident/incident.evolve';
import { initialIncidentState, type OpenedIncidentState } from '../incident/incident.state';
import type { Plan, Policy, PolicyRegistry } from '../policy/policy.model';
import { defaultPolicy, registryOf } from './policy.fixtures';

/** Shared test data for incident decider specs: the default AlmaCare policy, a customer, actors. */
export const policy: Policy = defaultPolicy;
export const policies: PolicyRegistry = registryOf(policy);
export const decider = createIncidentDecider(policies);

export const CUSTOMER_ID = 'acme';
export const lead: Actor = { id: 'lead-1', role: 'customer-lead', org: CUSTOMER_ID };
export const untrainedLead: Actor = { id: 'lead-2', role: 'customer-lead', org: CUSTOMER_ID };
export const otherLead: Actor = { id: 'lead-9', role: 'customer-lead', org: 'globex' };
export const engineer: Actor = { id: 'eng-1', role: 'engineer' };
export const system: Actor = { id: 'system', role: 'system' };
export const ops: Actor = { id: 'ops-1', role: 'ops' };
export const admin: Actor = { id: 'admin-1', role: 'admin' };

export const customer = (
  plan: Plan = 'enhanced',
  extra: Partial<CustomerSnapshot> = {},
): CustomerSnapshot => ({
  customerId: CUSTOMER_ID,
  plan,
  timeZone: 'UTC',
  holidays: [],
  leads: [
    { userId: lead.id, trained: true },
    { userId: untrainedLead.id, trained: false },
  ],
  ...extra,
});

export const meta = (now: string, actor: Actor): CommandMeta => ({ now, actor });

/** `cmd('Respond', { message }, at, engineer)`. */
export const cmd = <T extends IncidentCommand['type']>(
  type: T,
  data: Extract<IncidentCommand, { type: T }>['data'],
  now: string,
  actor: Actor,
): IncidentCommand => ({ type, data, meta: meta(now, actor) }) as IncidentCommand;

export const openCommand = (
  now: string,
  options: {
    severity?: Severity | null;
    plan?: Plan;
    category?: string;
    kind?: 'incident' | 'service-request';
    channel?: 'web' | 'email';
    customer?: CustomerSnapshot | null;
    actor?: Actor;
  } = {},
): IncidentCommand =>
  cmd(
    'OpenIncident',
    {
      incidentId: 'inc-1',
      number: 'INC-1042',
      kind: options.kind ?? 'incident',
      severity: options.severity === undefined ? 3 : options.severity,
      category: options.category ?? (options.plan === 'essential' ? 'os-bug' : 'nginx'),
      title: 'nginx returns 502',
      description: 'Since the update, every request to /api returns 502.',
      channel: options.channel ?? 'web',
      relatedIncidentId: null,
      policyVersion: policy.version,
      customer:
        options.customer === undefined ? customer(options.plan ?? 'enhanced') : options.customer,
    },
    now,
    options.actor ?? lead,
  );

/** Runs commands through the decider in order, returning every event recorded (refusals throw). */
export const history = (commands: readonly IncidentCommand[]): IncidentEvent[] => {
  let state = initialIncidentState as ReturnType<typeof evolveIncident>;
  const events: IncidentEvent[] = [];
  for (const command of commands) {
    for (const event of decider.decide(command, state)) {
      events.push(event);
      state = evolveIncident(state, event);
    }
  }
  return events;
};

export const stateOf = (events: readonly IncidentEvent[]): OpenedIncidentState =>
  events.reduce(evolveIncident, initialIncidentState) as OpenedIncidentState;

export const opened = (now: string, options: Parameters<typeof openCommand>[1] = {}) =>
  history([openCommand(now, options)]);
