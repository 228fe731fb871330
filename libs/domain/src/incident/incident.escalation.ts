import { DomainError } from '../decider/domain-error';
import type { EscalationLevel, Policy } from '../policy/policy.model';
import { reopenWindowEnd, toIso, toMs } from './incident.clocks';
import type { Escalate } from './incident.commands';
import { byLead, existing, type Decision } from './incident.guards';
import type { IncidentState } from './incident.state';

const MAX_LEVEL: EscalationLevel = 3;

/**
 * Appendix B: a lead escalates an unresolved incident, or reports dissatisfaction (also on an
 * incident closed within the reopen window), one level at a time up to level 3.
 */
export const escalate = (policy: Policy, command: Escalate, state: IncidentState): Decision => {
  const incident = existing(state);
  const by = byLead(command.meta, incident);
  const { reason, message } = command.data;
  const { now } = command.meta;
  if (incident.status === 'closed') {
    if (reason === 'unresolved')
      throw new DomainError(
        'incident-closed',
        `Incident ${incident.number} is closed; report dissatisfaction instead.`,
      );
    const windowEnd = reopenWindowEnd(policy, incident);
    if (toMs(now) >= windowEnd)
      throw new DomainError(
        'reopen-window-passed',
        'Dissatisfaction with a closed incident is taken within the reopen window.',
        {
          reopenWindowEndedAt: toIso(windowEnd),
        },
      );
  }
  if (incident.escalationLevel >= MAX_LEVEL)
    throw new DomainError(
      'escalation-max-level',
      'The incident is already escalated to the highest level (3).',
      {
        escalationLevel: incident.escalationLevel,
      },
    );
  const level = (incident.escalationLevel + 1) as EscalationLevel;
  return [
    {
      type: 'incident.escalated',
      data: { at: now, by, level, reason, message, assignedRole: policy.escalation.levels[level] },
    },
  ];
};
