import type { Policy } from '../policy/policy.model';
import { responseDeadlines, toMs } from './incident.clocks';
import type { ChangeSeverity, CheckResponseSla } from './incident.commands';
import { bySystem, byVendor, existing, open, type Decision } from './incident.guards';
import { Recorder } from './incident.recorder';
import type { IncidentState, OpenedIncidentState } from './incident.state';

/**
 * At-risk and breach of the response clock, as of `now`, each recorded once; a breach is always
 * preceded by at-risk (both recorded together, in order, when the at-risk point was missed).
 */
const dueSlaEvents = (incident: OpenedIncidentState, now: string): Decision => {
  if (incident.respondedAt !== null || incident.status === 'closed') return [];
  const t = toMs(now);
  const events: Decision[number][] = [];
  if (!incident.atRiskRecorded && t >= toMs(incident.responseAtRiskAt))
    events.push({
      type: 'incident.response-sla-at-risk',
      data: {
        at: now,
        responseAtRiskAt: incident.responseAtRiskAt,
        responseDueAt: incident.responseDueAt,
      },
    });
  if (!incident.breachRecorded && t >= toMs(incident.responseDueAt))
    events.push({
      type: 'incident.response-sla-breached',
      data: { at: now, responseDueAt: incident.responseDueAt },
    });
  return events;
};

/** Timer: records at-risk and breach only when due and not yet recorded; never early. */
export const checkResponseSla = (command: CheckResponseSla, state: IncidentState): Decision => {
  const incident = existing(state);
  bySystem(command.meta);
  return dueSlaEvents(incident, command.meta.now);
};

/**
 * A severity change before the first response recomputes the response deadline from `receivedAt`
 * with the new target (the retroactive rule); a deadline already past is breached at once. The
 * status-report due time is re-derived under the new severity's rule.
 */
export const changeSeverity = (
  policy: Policy,
  command: ChangeSeverity,
  state: IncidentState,
): Decision => {
  const incident = open(state);
  const by = byVendor(command.meta);
  const { severity, reason } = command.data;
  const { now } = command.meta;
  if (severity === incident.severity) return [];
  const deadlines =
    incident.respondedAt === null
      ? responseDeadlines(policy, incident.calendar, incident.plan, severity, incident.receivedAt)
      : {
          responseTarget: incident.responseTarget,
          responseDueAt: incident.responseDueAt,
          responseAtRiskAt: incident.responseAtRiskAt,
        };
  const recorder = new Recorder(incident, policy).recordWithReportDue({
    type: 'incident.severity-changed',
    data: {
      at: now,
      by,
      from: incident.severity,
      to: severity,
      reason,
      previousResponseDueAt: incident.responseDueAt,
      ...deadlines,
      statusReportDueAt: null,
    },
  });
  for (const event of dueSlaEvents(recorder.state, now)) recorder.record(event);
  return recorder.events;
};
