import { supportDesk, type SupportDesk } from '../support/support-desk';
import { WebhookReceiver } from './support/webhook-receiver';
import { eventually, startWebhookEngine, type WebhookEngine } from './support/webhook-engine';

jest.setTimeout(120_000);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One engine, a receiver on 127.0.0.1 and a test schedule in milliseconds (each delay may vary by
 * 20 % either way). Each test has its own customer and a subscription filtered to it.
 */
describe('webhook retries and endpoint health', () => {
  let engine: WebhookEngine;
  const receiver = new WebhookReceiver();
  let customers = 0;

  const deskWithWebhook = async (path: string, types = ['incident.*']) => {
    const desk = await supportDesk(engine, { customerId: `customer-${(customers += 1)}` });
    const webhook = await engine.subscribe({
      url: `${receiver.url}${path}`,
      types,
      customerId: desk.customerId,
    });
    receiver.verifyWith(path, webhook.secret);
    return { desk, webhook };
  };
  const deliveries = async (webhookId: string) =>
    (
      await engine.call('GET', `/webhooks/${webhookId}/deliveries?limit=200`, {
        token: engine.admin,
      })
    ).body.items as any[];
  const eventIdsOf = async (incidentIds: string[]) =>
    (await Promise.all(incidentIds.map((id) => engine.store.readStream(`incident-${id}`))))
      .flat()
      .map((event) => event.id);
  const respond = (desk: SupportDesk, incidentId: string, message: string) =>
    engine.call('POST', `/incidents/${incidentId}/responses`, {
      token: desk.engineer,
      body: { message },
    });

  beforeAll(async () => {
    await receiver.start();
    engine = await startWebhookEngine('sqlite', {
      WEBHOOK_RETRY_SCHEDULE: '0,400ms,800ms,1s,1s,2s,2s,3s,3s,3s',
    });
  });
  afterAll(async () => {
    await engine?.close();
    await receiver.stop();
  });

  it('retries 500s on the schedule, then delivers the same message', async () => {
    const { desk, webhook } = await deskWithWebhook('/flaky', ['incident.opened']);
    receiver.answer('/flaky', { status: 500 }, { status: 500 });
    const incident = await desk.open();

    const requests = await eventually(
      () => receiver.at('/flaky').length === 3 && receiver.at('/flaky'),
      'three attempts',
    );
    expect(requests.map((r) => r.status)).toEqual([500, 500, 200]);
    const [eventId] = await eventIdsOf([incident.id]);
    expect(requests.map((r) => r.headers['webhook-id'])).toEqual([eventId, eventId, eventId]);
    expect(requests.map((r) => r.body)).toEqual(Array(3).fill(requests[0].body));
    expect(requests.every((r) => r.verified[webhook.secret])).toBe(true);
    // 400 ms and 800 ms, less 20 % jitter and some slack for the clock
    expect(requests[1].receivedAt - requests[0].receivedAt).toBeGreaterThanOrEqual(300);
    expect(requests[2].receivedAt - requests[1].receivedAt).toBeGreaterThanOrEqual(600);

    const log = await eventually(async () => {
      const items = await deliveries(webhook.id);
      return items.length === 3 && items;
    }, 'three logged attempts');
    expect(log.map((a: any) => [a.attempt, a.statusCode, a.outcome, a.eventId])).toEqual([
      [3, 200, 'delivered', eventId],
      [2, 500, 'failed', eventId],
      [1, 500, 'failed', eventId],
    ]);
    expect(log[2].error).toBe('HTTP 500');
    expect(
      log.every((a: any) => a.latencyMs >= 0 && !Number.isNaN(Date.parse(a.attemptedAt))),
    ).toBe(true);
  });

  it('loses nothing while the receiver is down: delivered later, with the same webhook ids', async () => {
    const { desk, webhook } = await deskWithWebhook('/down');
    let expected: string[] = [];
    await receiver.stop();
    try {
      const first = await desk.open({ title: 'First while down' });
      const second = await desk.open({ title: 'Second while down' });
      await respond(desk, first.id, 'Seen.');
      await eventually(async () => {
        const log = await deliveries(webhook.id);
        return log.filter((a) => a.outcome === 'not-sent').length >= 6 && log;
      }, 'failed attempts while down');
      await pause(1_000);
      expect(receiver.at('/down')).toEqual([]);
      expected = await eventIdsOf([first.id, second.id]);
    } finally {
      await receiver.start();
    }
    await eventually(
      () => receiver.at('/down').length >= expected.length,
      'deliveries after recovery',
    );
    await pause(1_500);
    const received = receiver.at('/down');
    expect(received.map((r) => r.headers['webhook-id']).sort()).toEqual([...expected].sort());
    expect(received.every((r) => r.verified[webhook.secret])).toBe(true);
    const log = await deliveries(webhook.id);
    for (const eventId of expected) {
      const attempts = log.filter((a: any) => a.eventId === eventId);
      expect(attempts.length).toBeGreaterThanOrEqual(2);
      expect(attempts[0]).toMatchObject({ outcome: 'delivered', statusCode: 200 });
      expect(attempts.slice(1).every((a: any) => a.outcome === 'not-sent' && a.error)).toBe(true);
    }
  });

  it('disables an endpoint that answers 410 Gone, records it, and enables it again on request', async () => {
    const { desk, webhook } = await deskWithWebhook('/gone');
    receiver.answer('/gone', { status: 410 });
    const incident = await desk.open();
    await eventually(async () => {
      const view = await engine.call('GET', `/webhooks/${webhook.id}`, { token: engine.admin });
      return view.body.status === 'disabled' && view;
    }, 'the endpoint disabled');
    const stream = await engine.store.readStream(`webhook-${webhook.id}`);
    expect(stream.map((e) => e.type)).toEqual(['webhook.subscribed', 'webhook.endpoint-disabled']);
    expect(stream[1].data).toMatchObject({ reason: 'endpoint-gone' });
    const view = await engine.call('GET', `/webhooks/${webhook.id}`, { token: engine.admin });
    expect(view.body).toMatchObject({ status: 'disabled', disabledReason: 'endpoint-gone' });

    await respond(desk, incident.id, 'Nobody listens now.');
    await pause(1_500);
    expect(receiver.at('/gone')).toHaveLength(1); // one attempt, no retry, nothing afterwards

    const enabled = await engine.call('POST', `/webhooks/${webhook.id}/enable`, {
      token: engine.admin,
    });
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({ status: 'enabled', disabledReason: null });
    await respond(desk, incident.id, 'Back again.');
    const [again] = await eventually(
      () => receiver.at('/gone').length === 2 && receiver.at('/gone').slice(1),
      'a delivery after enabling',
    );
    expect(again).toMatchObject({ status: 200 });
    expect(again.json.type).toBe('incident.commented');
    expect((await engine.store.readStream(`webhook-${webhook.id}`)).at(-1)!.type).toBe(
      'webhook.endpoint-enabled',
    );
  });

  it('waits at least as long as a 429 Retry-After asks before trying again', async () => {
    const { desk, webhook } = await deskWithWebhook('/busy', ['incident.opened']);
    receiver.answer('/busy', { status: 429, headers: { 'Retry-After': '2' } });
    await desk.open();
    const [first, second] = await eventually(
      () => receiver.at('/busy').length === 2 && receiver.at('/busy'),
      'the retry after 429',
    );
    expect([first.status, second.status]).toEqual([429, 200]);
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(1_950); // not the 400 ms
    expect(second.verified[webhook.secret]).toBe(true);
  });
});
