import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import type { IncidentTimer } from '@engine/domain';
import { QueueUnavailableError } from '@engine/platform';
import { timerJobId } from './timer-job';
import { TimerQueue } from './timer-queue';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const HOUR = 3_600_000;

const timer = (kind: IncidentTimer['kind'], dueAt: number, reminder?: number): IncidentTimer => ({
  kind,
  incidentId: 'inc-1',
  dueAt: new Date(dueAt).toISOString(),
  command:
    reminder === undefined
      ? { type: kind === 'customer-side-timeout' ? 'TimeOutCustomerSide' : 'CheckResponseSla' }
      : { type: 'RemindCustomer', reminder },
});

describe('TimerQueue (real Redis)', () => {
  const prefix = `test-${randomBytes(6).toString('hex')}`;
  const queue = TimerQueue.open({ url: REDIS_URL, prefix });
  const now = Date.now();

  afterAll(async () => {
    await queue.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  const delayedIds = async () => (await queue.queue.getDelayed()).map((job) => job.id).sort();

  it('schedules delayed jobs with deterministic ids, and moves them when deadlines move', async () => {
    const atRisk = timer('response-at-risk', now + HOUR);
    const breach = timer('response-breach', now + 2 * HOUR);
    expect(await queue.sync('inc-1', [atRisk, breach], now)).toEqual({ added: 2, removed: 0 });
    expect(await delayedIds()).toEqual([timerJobId(atRisk), timerJobId(breach)].sort());
    const job = await queue.queue.getJob(timerJobId(breach));
    expect(job?.delay).toBe(2 * HOUR);

    // The same timers again: nothing changes.
    expect(await queue.sync('inc-1', [atRisk, breach], now)).toEqual({ added: 0, removed: 0 });

    // A severity change: both deadlines move; the old jobs go.
    const movedRisk = timer('response-at-risk', now + 3 * HOUR);
    const movedBreach = timer('response-breach', now + 4 * HOUR);
    expect(await queue.sync('inc-1', [movedRisk, movedBreach], now)).toEqual({
      added: 2,
      removed: 2,
    });
    expect(await delayedIds()).toEqual([timerJobId(movedRisk), timerJobId(movedBreach)].sort());
  });

  it('cancels every job when the incident no longer waits on anything', async () => {
    expect(await queue.sync('inc-1', [], now)).toEqual({ added: 0, removed: 2 });
    expect(await delayedIds()).toEqual([]);
    expect(await queue.scheduledIds('inc-1')).toEqual([]);
  });

  it('reconciles: adds what is missing, counts what is there', async () => {
    const reminder = timer('customer-reminder', now + HOUR, 0);
    const timeout = timer('customer-side-timeout', now + 2 * HOUR);
    await queue.sync('inc-1', [reminder], now);
    expect(await queue.ensure('inc-1', [reminder, timeout], now)).toEqual({
      scheduled: 1,
      alreadyScheduled: 1,
    });
    expect(await delayedIds()).toEqual([timerJobId(reminder), timerJobId(timeout)].sort());
    // The index knows both, so a later sync can cancel them.
    expect((await queue.scheduledIds('inc-1')).sort()).toEqual(await delayedIds());
    expect(await queue.sync('inc-1', [], now)).toEqual({ added: 0, removed: 2 });
  });

  it('fails fast instead of hanging when Redis does not answer', async () => {
    const dead = TimerQueue.open({ url: 'redis://127.0.0.1:1', prefix });
    const started = Date.now();
    const refused = await dead
      .sync('inc-1', [timer('response-breach', now + HOUR)], now)
      .catch((error: unknown) => error);
    // 503 queue-unavailable for a caller over HTTP; a retry for the scheduler.
    expect(refused).toBeInstanceOf(QueueUnavailableError);
    expect((refused as Error).message).toMatch(/Redis is not answering/);
    expect(Date.now() - started).toBeLessThan(2_000);
    await dead.close(1_000);
  }, 20_000);
});
