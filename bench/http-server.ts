// The server side of the `http` benchmark, run in a child process of its own (forked by
// http.bench.ts with scripts/register-ts.cjs), so that the load generator and the server share the
// machine's cores as a client and a deployed API would, not one event loop.
//
//   target 'sqlite' | 'postgres': the real engine (createEngineApp, the test harness's setup: a
//     fresh SQLite file or throwaway PostgreSQL database, a Redis queue prefix of its own deleted
//     on close), with a registered customer, a trained lead and INCIDENTS open incidents;
//   target 'nest': a bare NestJS app (express platform) with one POST route answering JSON.
//
// It sends `{ ready: { url, token?, incidentIds? } }` to the parent, then waits for 'close'.
import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { CONFIG_VARIABLES } from '../libs/platform/src/config/config-variables';
import { startEngine, type StoreKind } from '../test/support/engine-harness';
import { supportDesk } from '../test/support/support-desk';

export interface HttpServerReady {
  readonly url: string;
  /** An engineer's bearer token (engine targets). */
  readonly token?: string;
  readonly incidentIds?: readonly string[];
  /** How the engine was started, for the rows' notes. */
  readonly worker?: 'separate' | 'in-process';
}

const INCIDENTS = Number(process.env.HTTP_BENCH_INCIDENTS ?? 500);

@Controller()
class BareController {
  @Post('bare')
  @HttpCode(200)
  bare(@Body() body: { message?: string }) {
    return { ok: true, length: body?.message?.length ?? 0 };
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

/** Whether the engine can run without its in-process worker (RUN_WORKER=false). */
const workerSwitch = (): boolean =>
  (CONFIG_VARIABLES as readonly { name: string }[]).some(
    (variable) => variable.name === 'RUN_WORKER',
  );

async function startBare(): Promise<{ ready: HttpServerReady; close(): Promise<void> }> {
  const app = await NestFactory.create<NestExpressApplication>(BareModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { ready: { url }, close: () => app.close() };
}

async function startEngineTarget(
  kind: StoreKind,
): Promise<{ ready: HttpServerReady; close(): Promise<void> }> {
  const separateWorker = workerSwitch();
  const engine = await startEngine(kind, {
    LOG_LEVEL: 'warn',
    ...(separateWorker ? { RUN_WORKER: 'false' } : {}),
  });
  try {
    const desk = await supportDesk(engine);
    const incidentIds: string[] = [];
    // A few at a time: opening is itself a command through the same path.
    for (let first = 0; first < INCIDENTS; first += 8) {
      const batch = Array.from({ length: Math.min(8, INCIDENTS - first) }, (_, n) =>
        desk.open({ title: `Bench incident ${first + n}` }),
      );
      for (const incident of await Promise.all(batch)) incidentIds.push(incident.id);
    }
    return {
      ready: {
        url: engine.url,
        token: desk.engineer,
        incidentIds,
        worker: separateWorker ? 'separate' : 'in-process',
      },
      close: () => engine.close(),
    };
  } catch (error) {
    await engine.close();
    throw error;
  }
}

async function main(target: string): Promise<void> {
  const server =
    target === 'nest'
      ? await startBare()
      : target === 'sqlite' || target === 'postgres'
        ? await startEngineTarget(target)
        : null;
  if (!server) throw new Error(`unknown target ${JSON.stringify(target)}`);
  process.on('message', (message) => {
    if (message !== 'close') return;
    void server
      .close()
      .catch((error: unknown) => console.error('http-server: close failed', error))
      .finally(() => process.exit(0));
  });
  process.send?.({ ready: server.ready });
}

main(process.argv[2] ?? '').catch((error: unknown) => {
  process.send?.({
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  process.exit(1);
});
