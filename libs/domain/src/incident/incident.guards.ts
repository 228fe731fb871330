import { isVendorRole, type Actor, type CommandMeta } from '../decider/decider';
import { DomainError, ForbiddenError, NotFoundError } from '../decider/domain-error';
import type { Policy, PolicyRegistry } from '../policy/policy.model';
import type { IncidentCommand } from './incident.commands';
import type { IncidentEvent } from './incident.events';
import type { IncidentState, OpenedIncidentState } from './incident.state';

export const existing = (state: IncidentState): OpenedIncidentState => {
  if (state.status === 'none') throw new NotFoundError('No such incident.', 'incident-not-found');
  return state;
};

export const open = (state: IncidentState): OpenedIncidentState => {
  const incident = existing(state);
  if (incident.status === 'closed')
    throw new DomainError('incident-closed', `Incident ${incident.number} is closed.`, {
      closedAt: incident.closedAt,
      closeReason: incident.closeReason,
    });
  return incident;
};

export const byVendor = (meta: CommandMeta): Actor => {
  if (!isVendorRole(meta.actor.role))
    throw new ForbiddenError('forbidden', 'Only vendor support engineers may do this.');
  return meta.actor;
};

/** A technical lead acting for the incident's own customer. */
export const byLead = (meta: CommandMeta, incident: OpenedIncidentState): Actor => {
  if (meta.actor.role !== 'customer-lead')
    throw new ForbiddenError('forbidden', "Only the customer's technical leads may do this.");
  if (meta.actor.org !== incident.customerId)
    throw new ForbiddenError(
      'forbidden',
      "A technical lead acts only on its own customer's incidents.",
    );
  return meta.actor;
};

export const bySystem = (meta: CommandMeta): Actor => {
  if (meta.actor.role !== 'system')
    throw new ForbiddenError(
      'forbidden',
      'Only the engine itself sends timer and reactor commands.',
    );
  return meta.actor;
};

export const policyOf = (policies: PolicyRegistry, version: string): Policy => {
  const policy = policies.byVersion(version);
  if (!policy)
    throw new DomainError('policy-version-unknown', `Policy version ${version} is not loaded.`, {
      policyVersion: version,
    });
  return policy;
};

type Gate = 'vendor' | 'lead' | 'vendor-or-lead' | 'system';
const GATES: Readonly<Record<Exclude<IncidentCommand['type'], 'OpenIncident'>, Gate>> = {
  Respond: 'vendor',
  RequestInformation: 'vendor',
  ChangeSeverity: 'vendor',
  PostStatusReport: 'vendor',
  AgreeStatusReportSchedule: 'vendor',
  ProvideWorkaround: 'vendor',
  Resolve: 'vendor',
  Classify: 'vendor',
  ReplyAsCustomer: 'lead',
  RequestStatusReport: 'lead',
  Escalate: 'lead',
  Reopen: 'lead',
  CloseIncident: 'vendor-or-lead',
  LinkToProblem: 'system',
  CheckResponseSla: 'system',
  CheckStatusReport: 'system',
  RemindCustomer: 'system',
  TimeOutCustomerSide: 'system',
};

/**
 * Who may send a command to an existing incident, checked before any rule about its state, so a
 * caller without the right learns nothing about the incident from the refusal.
 */
export const authorize = (
  type: Exclude<IncidentCommand['type'], 'OpenIncident'>,
  meta: CommandMeta,
  incident: OpenedIncidentState,
): void => {
  const gate = GATES[type];
  if (gate === 'system') bySystem(meta);
  else if (gate === 'vendor') byVendor(meta);
  else if (gate === 'lead' || meta.actor.role === 'customer-lead') byLead(meta, incident);
  else byVendor(meta);
};

/** The events a decision produced, as one readonly list. */
export type Decision = readonly IncidentEvent[];
