import type { Actor } from '../decider/decider';
import type { Policy } from '../policy/policy.model';
import { statusReportDueAt, toMs } from './incident.clocks';
import { evolveIncident } from './incident.evolve';
import type { IncidentEvent } from './incident.events';
import type { OpenedIncidentState } from './incident.state';

type EventWithReportDue = Extract<IncidentEvent, { data: { statusReportDueAt: string | null } }>;

/**
 * Collects the events of one decision, folding each into the state as it goes, so a later event
 * of the same decision sees the earlier ones (a first response before a status report, say).
 */
export class Recorder {
  readonly events: IncidentEvent[] = [];

  constructor(
    public state: OpenedIncidentState,
    private readonly policy: Policy,
  ) {}

  record(event: IncidentEvent): this {
    this.events.push(event);
    this.state = evolveIncident(this.state, event) as OpenedIncidentState;
    return this;
  }

  /** Records an event carrying the next status-report due time, computed from the state it leads to. */
  recordWithReportDue(event: EventWithReportDue): this {
    const next = evolveIncident(this.state, event) as OpenedIncidentState;
    const due = statusReportDueAt(this.policy, next);
    return this.record({
      ...event,
      data: { ...event.data, statusReportDueAt: due },
    } as IncidentEvent);
  }

  /**
   * The first public vendor message on a new incident is its response: a person has confirmed
   * receipt, so the response clock stops here whatever form the message takes.
   */
  firstResponseIfNew(by: Actor, message: string, now: string): this {
    if (this.state.status !== 'new') return this;
    const elapsed = toMs(now) - toMs(this.state.receivedAt);
    return this.recordWithReportDue({
      type: 'incident.responded',
      data: {
        at: now,
        by,
        message,
        withinTarget: toMs(now) < toMs(this.state.responseDueAt),
        responseTimeMs: elapsed,
        statusReportDueAt: null,
      },
    });
  }
}
