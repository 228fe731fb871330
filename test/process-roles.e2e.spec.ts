import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { startEngine, type EngineHarness } from './support/engine-harness';
import { supportDesk, type SupportDesk } from './support/support-desk';

/**
 * RUN_WORKER=false: the API process takes commands and answers from streams, but projects
 * nothing; the worker program, started on the same settings, brings the read models up to date.
 */
describe('an API process without the worker (RUN_WORKER=false)', () => {
  let engine: EngineHarness;
  let desk: SupportDesk;
  let worker: INestApplicationContext | undefined;

  beforeAll(async () => {
    engine = await startEngine('sqlite', { RUN_WORKER: 'false' });
    desk = await supportDesk(engine);
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await engine?.close();
  }, 30_000);

  const listed = async (): Promise<string[]> => {
    const response = await engine.call('GET', '/incidents', { token: desk.engineer });
    expect(response.status).toBe(200);
    return response.body.items.map((item: { id: string }) => item.id);
  };

  it('accepts commands and leaves projecting to the worker program', async () => {
    const incident = await desk.open();
    const single = await engine.call('GET', `/incidents/${incident.id}`, { token: desk.engineer });
    expect(single.status).toBe(200);
    expect(single.body.id).toBe(incident.id);

    // Nothing in this process follows the feed: the list stays empty however long we wait.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await listed()).toEqual([]);

    // The worker program on the same settings catches up on what the API accepted.
    worker = await NestFactory.createApplicationContext(WorkerModule.standalone(engine.startup), {
      logger: false,
      abortOnError: false,
    });
    await worker.init();
    const deadline = Date.now() + 15_000;
    let ids = await listed();
    while (!ids.includes(incident.id) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      ids = await listed();
    }
    expect(ids).toEqual([incident.id]);
  }, 60_000);
});
