import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropPrefix, startEngine, type EngineHarness } from '../../support/engine-harness';

export { dropPrefix };
import { TIMER_POLICY } from './timer-policy';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A queue prefix of its own, so parallel test runs on the shared Redis never see each other's jobs. */
export const testPrefix = (): string => `test-${randomBytes(6).toString('hex')}`;

export interface TimerEngine extends EngineHarness {
  readonly prefix: string;
  readonly redisUrl: string;
  /** Types of the incident's events, in order, as an engineer reads its audit trail. */
  events(incidentId: string): Promise<Array<{ type: string; data: any; metadata: any }>>;
}

/** The real engine on a fresh SQLite store with the seconds policy and a queue prefix of its own. */
export async function startTimerEngine(
  env: Record<string, string> = {},
): Promise<TimerEngine & { dispose(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'timers-e2e-'));
  const policy = join(dir, 'policy.yaml');
  writeFileSync(policy, TIMER_POLICY);
  const prefix = env.TIMERS_QUEUE_PREFIX ?? testPrefix();
  const redisUrl = env.REDIS_URL ?? REDIS_URL;
  const engine = await startEngine('sqlite', {
    SUPPORT_POLICY: policy,
    TIMERS_QUEUE_PREFIX: prefix,
    REDIS_URL: redisUrl,
    ...env,
  });
  const engineer = await engine.token('engineer');
  return {
    ...engine,
    prefix,
    redisUrl,
    async events(incidentId) {
      const answer = await engine.call('GET', `/incidents/${incidentId}/events`, {
        token: engineer,
      });
      if (answer.status !== 200)
        throw new Error(`events: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body.items;
    },
    async dispose() {
      await engine.close();
      await dropPrefix(redisUrl, prefix).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

export const typesOf = (events: ReadonlyArray<{ type: string }>): string[] =>
  events.map((event) => event.type);

export const count = (events: ReadonlyArray<{ type: string }>, type: string): number =>
  events.filter((event) => event.type === type).length;
