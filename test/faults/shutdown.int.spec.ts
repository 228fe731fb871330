import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import {
  call,
  engineDeployment,
  killEngineProcesses,
  spawnEngine,
  type EngineDeployment,
  type EngineProcess,
} from '../support/engine-process';
import { processDesk, type ProcessDesk } from './support/process-desk';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a new TCP connection to the API's port is accepted. */
const accepts = (url: string): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

/**
 * POST /incidents whose body arrives in two halves `gapMs` apart: a request in progress for that
 * long. `sent` resolves once the first half is on the wire.
 */
function slowOpen(url: string, token: string, gapMs: number) {
  const body = JSON.stringify({
    severity: 3,
    category: 'nginx',
    title: 'Sent slowly',
    description: 'A request still arriving when the signal comes.',
  });
  let sent!: () => void;
  const firstHalf = new Promise<void>((resolve) => (sent = resolve));
  const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = httpRequest(
      `${url}/incidents`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half), () => sent());
    setTimeout(() => req.end(body.slice(half)), gapMs);
  });
  return { firstHalf, answer };
}

describe('SIGTERM: graceful shutdown of real processes', () => {
  let deployment: EngineDeployment;

  beforeAll(async () => {
    deployment = await engineDeployment({ store: 'sqlite', redisUrl: REDIS_URL });
  });

  afterAll(async () => {
    await killEngineProcesses();
    await deployment?.dispose();
  }, 30_000);

  it('the API (with its worker) finishes a request in progress, refuses new connections, ends SSE streams and exits 0', async () => {
    const api: EngineProcess = await spawnEngine('api', deployment.env);
    const desk: ProcessDesk = await processDesk(deployment, api.url!);
    expect((await desk.open(api.url!)).status).toBe(201);

    // An open SSE stream and an idle keep-alive connection.
    const stream = await fetch(`${api.url}/stream?access_token=${desk.engineer}`);
    expect(stream.status).toBe(200);
    const streamEnded = (async () => {
      const reader = stream.body!.getReader();
      for (;;) if ((await reader.read()).done) return true;
    })().catch(() => true);

    const slow = slowOpen(api.url!, desk.lead, 2_000);
    await slow.firstHalf;
    await sleep(100);
    const exit = api.terminate('SIGTERM');
    await sleep(300);
    // Stopped accepting: a new connection is refused while the slow request is still arriving.
    expect(await accepts(api.url!)).toBe(false);
    expect(api.running()).toBe(true);

    const answered = await slow.answer;
    expect(answered.status).toBe(201);
    expect(await streamEnded).toBe(true);
    const { code, signal, ms } = await exit;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(ms).toBeLessThan(10_000);
    expect(api.errors()).toBe('');

    // What it accepted was recorded: a new process reads it back.
    const again = await spawnEngine('api', deployment.env);
    const read = await call(again.url!, 'GET', `/incidents/${answered.body.id}`, {
      token: desk.engineer,
    });
    expect(read.status).toBe(200);
    expect(read.body.title).toBe('Sent slowly');
    const second = await again.terminate('SIGINT');
    expect(second.code).toBe(0);
    expect(second.ms).toBeLessThan(10_000);
    if (process.env.FAULT_TIMINGS) console.info({ sigtermWithSlowRequest: ms, sigint: second.ms });
  }, 90_000);

  it('the worker program exits 0 on SIGTERM', async () => {
    const worker = await spawnEngine('worker', deployment.env);
    await sleep(4_000);
    expect(worker.running()).toBe(true);
    const { code, signal, ms } = await worker.terminate('SIGTERM');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(ms).toBeLessThan(10_000);
    expect(worker.errors()).toBe('');
    if (process.env.FAULT_TIMINGS) console.info({ workerSigterm: ms });
  }, 60_000);
});
