import { calendarWithHolidays } from '../calendar/business-time';
import { DomainError, ForbiddenError } from '../decider/domain-error';
import type { Policy, PolicyRegistry } from '../policy/policy.model';
import { reopenWindowEnd, responseDeadlines, toIso, toMs } from './incident.clocks';
import type {
  Classify,
  CloseIncident,
  LinkToProblem,
  OpenIncident,
  ProvideWorkaround,
  Reopen,
  Resolve,
  Respond,
} from './incident.commands';
import {
  byLead,
  bySystem,
  byVendor,
  existing,
  open,
  policyOf,
  type Decision,
} from './incident.guards';
import { CLOSURE_CODES, CLOSURE_CODES_NEEDING_REFERENCE, UNCLASSIFIED } from './incident.model';
import { Recorder } from './incident.recorder';
import type { IncidentState } from './incident.state';

export const openIncident = (
  policies: PolicyRegistry,
  command: OpenIncident,
  state: IncidentState,
): Decision => {
  const { data, meta } = command;
  if (state.status !== 'none')
    throw new DomainError('incident-exists', `Incident ${data.incidentId} already exists.`);
  if (meta.actor.role !== 'customer-lead')
    throw new ForbiddenError('forbidden', "Only a customer's technical lead may open an incident.");
  const customer = data.customer;
  if (customer === null || meta.actor.org !== customer.customerId)
    throw new DomainError('customer-not-found', 'The lead’s customer is not registered.');
  const lead = customer.leads.find((l) => l.userId === meta.actor.id);
  if (!lead)
    throw new ForbiddenError(
      'not-a-lead',
      `${meta.actor.id} is not a nominated technical lead of this customer.`,
    );
  if (!lead.trained)
    throw new DomainError(
      'lead-not-trained',
      'A technical lead may submit incidents once their training is recorded.',
    );
  const policy = policyOf(policies, data.policyVersion);
  const plan = policy.plans[customer.plan];
  if (!plan.channels.includes(data.channel))
    throw new DomainError(
      'channel-not-allowed',
      `The ${customer.plan} plan does not accept incidents by ${data.channel}.`,
      {
        channels: plan.channels,
      },
    );
  const severity = data.severity ?? (data.kind === 'service-request' ? 4 : null);
  if (severity === null)
    throw new DomainError('severity-required', 'An incident needs a severity (1-4).');
  const unclassifiedByEmail = data.channel === 'email' && data.category === UNCLASSIFIED;
  if (!unclassifiedByEmail && !plan.coverage.includes(data.category))
    throw categoryNotCovered(data.category, customer.plan, plan.coverage);
  const calendar = calendarWithHolidays(
    { ...policy.calendar, timeZone: customer.timeZone },
    customer.holidays,
  );
  return [
    {
      type: 'incident.opened',
      data: {
        incidentId: data.incidentId,
        number: data.number,
        customerId: customer.customerId,
        plan: customer.plan,
        policyVersion: policy.version,
        kind: data.kind,
        severity,
        category: data.category,
        title: data.title,
        description: data.description,
        channel: data.channel,
        reportedBy: meta.actor.id,
        relatedIncidentId: data.relatedIncidentId,
        receivedAt: meta.now,
        calendar,
        ...responseDeadlines(policy, calendar, customer.plan, severity, meta.now),
        ...(data.source ? { source: data.source } : {}),
      },
    },
  ];
};

export const categoryNotCovered = (category: string, plan: string, covered: readonly string[]) =>
  new DomainError(
    'category-not-covered',
    `The ${plan} plan does not cover "${category}". Covered: ${covered.join(', ')}.`,
    { category, covered },
  );

export const respond = (policy: Policy, command: Respond, state: IncidentState): Decision => {
  const incident = open(state);
  const by = byVendor(command.meta);
  const { now } = command.meta;
  if (incident.status === 'new')
    return new Recorder(incident, policy).firstResponseIfNew(by, command.data.message, now).events;
  return [
    {
      type: 'incident.commented',
      data: { at: now, by, side: 'vendor', message: command.data.message },
    },
  ];
};

export const provideWorkaround = (
  policy: Policy,
  command: ProvideWorkaround,
  state: IncidentState,
): Decision => {
  const incident = open(state);
  const by = byVendor(command.meta);
  const { now } = command.meta;
  return new Recorder(incident, policy)
    .firstResponseIfNew(by, command.data.workaround, now)
    .record({
      type: 'incident.workaround-provided',
      data: { at: now, by, workaround: command.data.workaround, problemId: null },
    }).events;
};

export const resolve = (policy: Policy, command: Resolve, state: IncidentState): Decision => {
  const incident = open(state);
  const by = byVendor(command.meta);
  const { now } = command.meta;
  return new Recorder(incident, policy)
    .firstResponseIfNew(by, command.data.resolution, now)
    .record({
      type: 'incident.resolved',
      data: {
        at: now,
        by,
        reason: 'resolved',
        resolution: command.data.resolution,
        workaround: command.data.workaround,
      },
    }).events;
};

export const closeIncident = (
  policy: Policy,
  command: CloseIncident,
  state: IncidentState,
): Decision => {
  const incident = open(state);
  const { reason, code, reference, message } = command.data;
  const { now } = command.meta;
  if (reason === 'withdrawn') {
    const by = byLead(command.meta, incident);
    if (code !== null) throw codeNotApplicable(reason);
    return [
      {
        type: 'incident.closed',
        data: { at: now, by, reason, code: null, reference: null, message },
      },
    ];
  }
  const by = byVendor(command.meta);
  if (reason === 'duplicate') {
    if (code !== null) throw codeNotApplicable(reason);
    if (!reference)
      throw new DomainError(
        'closure-reference-required',
        'A duplicate must name the incident it duplicates.',
      );
    if (reference === incident.incidentId || reference === incident.number)
      throw new DomainError('invalid-reference', 'An incident cannot duplicate itself.');
  } else {
    if (code === null)
      throw new DomainError(
        'closure-code-required',
        'An out-of-scope closure needs a limitation code.',
        {
          codes: CLOSURE_CODES,
        },
      );
    if (!CLOSURE_CODES.includes(code))
      throw new DomainError('invalid-closure-code', `Unknown limitation code "${code}".`, {
        codes: CLOSURE_CODES,
      });
    if (CLOSURE_CODES_NEEDING_REFERENCE.includes(code) && !reference)
      throw new DomainError(
        'closure-reference-required',
        code === 'already-resolved'
          ? 'already-resolved must reference the resolved incident.'
          : 'similar-to-resolved must reference an incident or a known error.',
      );
  }
  return new Recorder(incident, policy).firstResponseIfNew(by, message, now).record({
    type: 'incident.closed',
    data: { at: now, by, reason, code, reference: reference ?? null, message },
  }).events;
};

const codeNotApplicable = (reason: string) =>
  new DomainError('closure-code-not-applicable', `A ${reason} closure takes no limitation code.`);

export const reopen = (policy: Policy, command: Reopen, state: IncidentState): Decision => {
  const incident = existing(state);
  const by = byLead(command.meta, incident);
  const { now } = command.meta;
  if (incident.status !== 'closed')
    throw new DomainError('incident-not-closed', `Incident ${incident.number} is open.`);
  if (
    incident.closeReason !== 'resolved' &&
    incident.closeReason !== 'timeout' &&
    incident.closeReason !== 'withdrawn'
  )
    throw new DomainError(
      'reopen-not-allowed',
      `An incident closed as ${incident.closeReason} cannot be reopened; open a new one with relatedIncidentId.`,
    );
  const windowEnd = reopenWindowEnd(policy, incident);
  if (toMs(now) >= windowEnd)
    throw new DomainError(
      'reopen-window-passed',
      'The reopen window has passed; open a new incident with relatedIncidentId.',
      {
        reopenWindowEndedAt: toIso(windowEnd),
      },
    );
  return new Recorder(incident, policy).recordWithReportDue({
    type: 'incident.reopened',
    data: { at: now, by, message: command.data.message, statusReportDueAt: null },
  }).events;
};

export const classify = (policy: Policy, command: Classify, state: IncidentState): Decision => {
  const incident = existing(state);
  const by = byVendor(command.meta);
  const { category } = command.data;
  if (category === incident.category) return [];
  const covered = policy.plans[incident.plan].coverage;
  if (!covered.includes(category)) throw categoryNotCovered(category, incident.plan, covered);
  return [
    {
      type: 'incident.classified',
      data: { at: command.meta.now, by, from: incident.category, to: category },
    },
  ];
};

export const linkToProblem = (command: LinkToProblem, state: IncidentState): Decision => {
  const incident = existing(state);
  const by = bySystem(command.meta);
  const { problemId, workaround } = command.data;
  const at = command.meta.now;
  if (incident.problemId === problemId) return [];
  const linked: Decision = [{ type: 'incident.linked-to-problem', data: { at, problemId } }];
  if (workaround === null || incident.status === 'closed' || incident.workaround === workaround)
    return linked;
  return [
    ...linked,
    { type: 'incident.workaround-provided', data: { at, by, workaround, problemId } },
  ];
};
