import type { IncidentTimer, IncidentTimerKind } from '@engine/domain';

/** The one queue every incident timer is scheduled on (its keys live under the configured prefix). */
export const INCIDENT_TIMERS_QUEUE = 'incident-timers';

/** What a timer job carries: enough to send its command without reading anything first. */
export interface TimerJobData {
  readonly incidentId: string;
  readonly kind: IncidentTimerKind;
  /** RFC 3339 UTC instant the timer is due at; the command is never sent before it. */
  readonly dueAt: string;
  readonly command: IncidentTimer['command'];
  /**
   * The correlation id of the event whose batch scheduled the timer, recorded with what the timer
   * records; absent for timers the reconciler scheduled (their command id correlates them).
   */
  readonly correlationId?: string;
}

export interface TimerJob {
  readonly id: string;
  readonly data: TimerJobData;
}

/**
 * BullMQ refuses job ids with `:` (its key separator), and the scheduler's index separates ids with
 * `,`; incident ids come from callers, so both (and the escape character itself) are
 * percent-encoded, which keeps the id unique and deterministic.
 */
const safe = (text: string): string =>
  text.replace(/%/g, '%25').replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * `<incidentId>-<kind>[-<reminder>]-<dueAtMs>`: the same timer always gets the same id (re-adding it
 * keeps the job already there), and a moved deadline gets a new one. The kind's letters keep it from
 * ever looking like an integer, which BullMQ also refuses.
 */
export const timerJobId = (timer: IncidentTimer): string => {
  const reminder = timer.command.type === 'RemindCustomer' ? `-${timer.command.reminder}` : '';
  return `${safe(timer.incidentId)}-${timer.kind}${reminder}-${Date.parse(timer.dueAt)}`;
};

export const timerJob = (timer: IncidentTimer, correlationId?: string): TimerJob => ({
  id: timerJobId(timer),
  data: {
    incidentId: timer.incidentId,
    kind: timer.kind,
    dueAt: timer.dueAt,
    command: timer.command,
    ...(correlationId === undefined ? {} : { correlationId }),
  },
});

/** The id of the command a fired job sends: a job that fires twice records its events once. */
export const timerCommandId = (jobId: string): string => `timer:${jobId}`;
