// Relative imports (not the @engine aliases) so that any TypeScript runner can load this file.
import { startEngine } from '../test/support/engine-harness';
import { supportDesk } from '../test/support/support-desk';
import { percentile } from './bench-stats';

export interface StreamBenchRow {
  readonly name: string;
  readonly store: 'sqlite';
  readonly value: number;
  readonly unit: string;
  readonly target?: { readonly min?: number; readonly max?: number };
  readonly note?: string;
}

/** Commands per second and how long the steady load lasts. */
const RATE = Number(process.env.STREAM_BENCH_RATE ?? 20);
const DURATION_MS = Number(process.env.STREAM_BENCH_DURATION_MS ?? 15_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Follows GET /stream and records when each incident's `incident.opened` arrives. */
async function followStream(url: string, token: string, arrivals: Map<string, number>) {
  const controller = new AbortController();
  const response = await fetch(`${url}/stream?access_token=${token}`, {
    signal: controller.signal,
  });
  if (!response.ok || !response.body) throw new Error(`GET /stream answered ${response.status}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const pump = (async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame.split('\n').find((line) => line.startsWith('data:'));
        if (!data) continue;
        const change = JSON.parse(data.slice(5)) as { type: string; incidentId?: string };
        if (change.type === 'incident.opened' && change.incidentId)
          arrivals.set(change.incidentId, performance.now());
      }
    }
  })();
  return {
    stop: async () => {
      controller.abort();
      await pump;
    },
  };
}

/**
 * Command-to-SSE latency at a steady load: a lead opens incidents at RATE per second; each is timed
 * from the start of its POST until its `incident.opened` change reaches a dashboard's event stream
 * (through the event store, the projection runner and the SSE hub), on the embedded default.
 */
export async function runStreamBench(): Promise<StreamBenchRow[]> {
  const engine = await startEngine('sqlite');
  try {
    const desk = await supportDesk(engine);
    const arrivals = new Map<string, number>();
    const stream = await followStream(engine.url, desk.ops, arrivals);
    const sent: Array<{ id: Promise<string>; at: number }> = [];
    const started = performance.now();
    for (let n = 0; performance.now() - started < DURATION_MS; n++) {
      const at = performance.now();
      sent.push({
        at,
        id: desk.open({ severity: 3, title: `Bench ${n}` }).then((incident) => incident.id),
      });
      await sleep(Math.max(0, started + ((n + 1) * 1000) / RATE - performance.now()));
    }
    const ids = await Promise.all(sent.map((s) => s.id));
    const deadline = performance.now() + 10_000;
    while (ids.some((id) => !arrivals.has(id)) && performance.now() < deadline) await sleep(20);
    await stream.stop();
    const latencies = ids.flatMap((id, i) =>
      arrivals.has(id) ? [arrivals.get(id)! - sent[i]!.at] : [],
    );
    const note = `${latencies.length} of ${ids.length} incidents seen on the stream, ${RATE}/s for ${DURATION_MS / 1000} s`;
    return [
      {
        name: 'command to SSE latency p50',
        store: 'sqlite',
        value: percentile(latencies, 50),
        unit: 'ms',
        note,
      },
      {
        name: 'command to SSE latency p99',
        store: 'sqlite',
        value: percentile(latencies, 99),
        unit: 'ms',
        note,
      },
      {
        name: 'changes missing from the stream',
        store: 'sqlite',
        value: ids.length - latencies.length,
        unit: 'incidents',
        target: { max: 0 },
      },
    ];
  } finally {
    await engine.close();
  }
}
