import type { RecordedEvent } from '@engine/event-store';
import { EngineMetrics } from './engine-metrics';
import { metricsAccessAllowed } from './metrics-access';

const event = (type: string) => ({ type }) as RecordedEvent;

/** The value of one sample of the exposition, or undefined when it is not there. */
const sample = (text: string, line: string): number | undefined => {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
};

describe('EngineMetrics', () => {
  it('counts commands by type and outcome, refusals with their code, and appended events', async () => {
    const metrics = new EngineMetrics();
    metrics.observeCommand({
      commandType: 'OpenIncident',
      outcome: 'accepted',
      durationSeconds: 0.004,
      appended: [event('incident.opened')],
    });
    metrics.observeCommand({
      commandType: 'OpenIncident',
      outcome: 'refused',
      code: 'category-not-covered',
      durationSeconds: 0.002,
      appended: [],
    });
    metrics.observeCommand({
      commandType: 'Respond',
      outcome: 'conflict',
      durationSeconds: 0.2,
      appended: [],
    });
    const { body, contentType } = await metrics.exposition();
    expect(contentType).toMatch(/^text\/plain/);
    expect(sample(body, 'engine_commands_total{type="OpenIncident",outcome="accepted"}')).toBe(1);
    expect(
      sample(
        body,
        'engine_commands_total{type="OpenIncident",outcome="refused",code="category-not-covered"}',
      ),
    ).toBe(1);
    expect(sample(body, 'engine_commands_total{type="Respond",outcome="conflict"}')).toBe(1);
    expect(sample(body, 'engine_command_duration_seconds_count{type="OpenIncident"}')).toBe(2);
    expect(sample(body, 'engine_events_appended_total{type="incident.opened"}')).toBe(1);
    expect(body).toContain('engine_process_cpu_seconds_total'); // default metrics, prefixed
  });

  it('reports lag per follower and pending timers when scraped, skipping a source that hangs', async () => {
    const metrics = new EngineMetrics();
    metrics.trackLag({
      name: 'incidents',
      lag: async () => ({ eventsBehind: 3, secondsBehind: 1.5 }),
    });
    const untrack = metrics.trackLag({ name: 'stuck', lag: () => new Promise(() => undefined) });
    metrics.countPendingTimers(async () => 7);
    const started = Date.now();
    const { body } = await metrics.exposition();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(sample(body, 'engine_projection_lag_events{projection="incidents"}')).toBe(3);
    expect(sample(body, 'engine_projection_lag_seconds{projection="incidents"}')).toBe(1.5);
    expect(body).not.toContain('projection="stuck"');
    expect(sample(body, 'engine_timers_pending{queue="incident-timers"}')).toBe(7);
    untrack();
    metrics.countPendingTimers(null);
    const after = (await metrics.exposition()).body;
    expect(after).not.toMatch(/^engine_timers_pending\{/m);
  });

  it('observes timer lateness, breaches by kind and severity, and webhook outcomes', async () => {
    const metrics = new EngineMetrics();
    metrics.timerFired('2026-11-27T16:00:00.000Z', '2026-11-27T16:00:00.300Z');
    metrics.breachRecorded('incident.response-sla-breached', 1);
    metrics.breachRecorded('incident.status-report-overdue', 3);
    metrics.breachRecorded('incident.responded', 1);
    metrics.webhookDelivery('delivered');
    metrics.webhookDelivery('retried');
    const { body } = await metrics.exposition();
    expect(sample(body, 'engine_timer_lateness_seconds_count')).toBe(1);
    expect(sample(body, 'engine_timer_lateness_seconds_bucket{le="0.25"}')).toBe(0);
    expect(sample(body, 'engine_timer_lateness_seconds_bucket{le="0.5"}')).toBe(1);
    expect(sample(body, 'engine_sla_breaches_total{kind="response",severity="1"}')).toBe(1);
    expect(sample(body, 'engine_sla_breaches_total{kind="status-report",severity="3"}')).toBe(1);
    expect(body.match(/^engine_sla_breaches_total\{/gm)).toHaveLength(2);
    expect(sample(body, 'engine_webhook_deliveries_total{outcome="delivered"}')).toBe(1);
    expect(sample(body, 'engine_webhook_deliveries_total{outcome="retried"}')).toBe(1);
  });
});

describe('access to the metrics', () => {
  it('is open without METRICS_TOKEN, else needs exactly that bearer token', () => {
    expect(metricsAccessAllowed(null, undefined)).toBe(true);
    expect(metricsAccessAllowed('s3cret', undefined)).toBe(false);
    expect(metricsAccessAllowed('s3cret', 'Bearer s3cret')).toBe(true);
    expect(metricsAccessAllowed('s3cret', 'bearer s3cret')).toBe(true);
    expect(metricsAccessAllowed('s3cret', 'Bearer s3cre')).toBe(false);
    expect(metricsAccessAllowed('s3cret', 'Basic s3cret')).toBe(false);
  });
});
