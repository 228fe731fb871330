import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CommandReport } from '@engine/event-store';

/** A feed follower whose lag the metrics report (structurally: the read models' FeedFollower). */
export interface LagSource {
  readonly name: string;
  lag(): Promise<{ readonly eventsBehind: number; readonly secondsBehind: number }>;
}

/** Scrapes never wait on a dependency that does not answer for longer than this. */
const SCRAPE_TIMEOUT_MS = 1_000;

const within = async <T>(work: Promise<T>, ms = SCRAPE_TIMEOUT_MS): Promise<T | undefined> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms))),
    ]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
};

/** SLA breaches by event type: the breached clock's kind. */
const BREACH_KINDS: Readonly<Record<string, string>> = {
  'incident.response-sla-breached': 'response',
  'incident.status-report-overdue': 'status-report',
};

export type WebhookDeliveryOutcome =
  'delivered' | 'skipped' | 'retried' | 'gave-up' | 'disabled' | 'error';

/**
 * The engine's Prometheus metrics, on one registry per process (`GET /metrics` on the API, the
 * worker program's listener). Gauges that depend on other parts (projection lag, pending timers)
 * are computed when scraped, from the sources those parts register.
 */
export class EngineMetrics {
  readonly registry = new Registry();
  private readonly lagSources = new Set<LagSource>();
  private pendingTimers: (() => Promise<number>) | null = null;

  readonly commands = new Counter({
    name: 'engine_commands_total',
    help: 'Commands handled, by command type and outcome (accepted, refused with its code, conflict, error).',
    labelNames: ['type', 'outcome', 'code'] as const,
    registers: [this.registry],
  });

  readonly commandDuration = new Histogram({
    name: 'engine_command_duration_seconds',
    help: 'Time to read, decide and append one command, by command type.',
    labelNames: ['type'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly eventsAppended = new Counter({
    name: 'engine_events_appended_total',
    help: 'Events appended to the event store, by event type.',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly slaBreaches = new Counter({
    name: 'engine_sla_breaches_total',
    help: 'SLA breaches recorded (response target breached, status report overdue), by kind and incident severity.',
    labelNames: ['kind', 'severity'] as const,
    registers: [this.registry],
  });

  readonly timerLateness = new Histogram({
    name: 'engine_timer_lateness_seconds',
    help: 'How long after its due time a timer fired.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  readonly webhookDeliveries = new Counter({
    name: 'engine_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome (delivered, retried, gave-up, disabled, skipped, error).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'engine_' });
    const sources = this.lagSources;
    const lagCollector = (field: 'eventsBehind' | 'secondsBehind') =>
      async function collect(this: Gauge<'projection'>): Promise<void> {
        this.reset();
        await Promise.all(
          [...sources].map(async (source) => {
            const lag = await within(source.lag());
            if (lag) this.set({ projection: source.name }, lag[field]);
          }),
        );
      };
    new Gauge({
      name: 'engine_projection_lag_events',
      help: 'Events of the feed a projection (or feed follower) has not applied yet (counted up to 1000).',
      labelNames: ['projection'] as const,
      registers: [this.registry],
      collect: lagCollector('eventsBehind'),
    });
    new Gauge({
      name: 'engine_projection_lag_seconds',
      help: 'Age of the oldest event a projection (or feed follower) has not applied yet; 0 when caught up.',
      labelNames: ['projection'] as const,
      registers: [this.registry],
      collect: lagCollector('secondsBehind'),
    });
    const pending = () => this.pendingTimers;
    new Gauge({
      name: 'engine_timers_pending',
      help: 'Timers scheduled and not yet due (delayed jobs of the timer queue); absent when unknown.',
      labelNames: ['queue'] as const,
      registers: [this.registry],
      async collect() {
        const count = pending();
        const value = count ? await within(count()) : undefined;
        this.reset();
        if (value !== undefined) this.set({ queue: 'incident-timers' }, value);
      },
    });
  }

  /** Counts a command as `handleCommand` reports it (its observer). Never throws. */
  readonly observeCommand = (report: CommandReport): void => {
    const type = report.commandType;
    this.commands.inc(
      report.code === undefined
        ? { type, outcome: report.outcome }
        : { type, outcome: report.outcome, code: report.code },
    );
    this.commandDuration.observe({ type }, report.durationSeconds);
    for (const event of report.appended) this.eventsAppended.inc({ type: event.type });
  };

  /** An SLA breach event this process recorded, with the incident's severity. */
  breachRecorded(eventType: string, severity: number | null): void {
    const kind = BREACH_KINDS[eventType];
    if (kind)
      this.slaBreaches.inc({ kind, severity: severity === null ? 'unknown' : String(severity) });
  }

  /** A timer fired at `firedAt` that was due at `dueAt` (both RFC 3339). */
  timerFired(dueAt: string, firedAt: string): void {
    const seconds = (Date.parse(firedAt) - Date.parse(dueAt)) / 1000;
    if (Number.isFinite(seconds)) this.timerLateness.observe(Math.max(0, seconds));
  }

  webhookDelivery(outcome: WebhookDeliveryOutcome): void {
    this.webhookDeliveries.inc({ outcome });
  }

  /** Reports this follower's lag while it runs; returns the undo. */
  trackLag(source: LagSource): () => void {
    this.lagSources.add(source);
    return () => this.lagSources.delete(source);
  }

  /** Where the pending timers are counted (the timer queue of this process). */
  countPendingTimers(count: (() => Promise<number>) | null): void {
    this.pendingTimers = count;
  }

  /** The text exposition format. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
