import { supportDesk } from '../support/support-desk';
import { WebhookReceiver, type Received } from './support/webhook-receiver';
import { eventually, startWebhookEngine, type WebhookEngine } from './support/webhook-engine';

jest.setTimeout(120_000);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ids = (requests: readonly Received[]) => requests.map((r) => r.headers['webhook-id']);

describe('webhook replay, secret rotation and the delivery log', () => {
  let engine: WebhookEngine;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    await receiver.start();
    engine = await startWebhookEngine('sqlite');
  });
  afterAll(async () => {
    await engine?.close();
    await receiver.stop();
  });

  it('replays exactly the events after a position, or since a time, with the same webhook ids', async () => {
    const desk = await supportDesk(engine, { customerId: 'replay-co' });
    const webhook = await engine.subscribe({
      url: `${receiver.url}/replay`,
      types: ['incident.*'],
      customerId: 'replay-co',
    });
    receiver.verifyWith('/replay', webhook.secret);
    const incident = await desk.open();
    for (const message of ['Looking.', 'Found it.', 'Patch ready.'])
      await engine.call('POST', `/incidents/${incident.id}/responses`, {
        token: desk.engineer,
        body: { message },
      });
    const events = await engine.store.readStream(`incident-${incident.id}`);
    expect(events).toHaveLength(4);
    await eventually(() => receiver.at('/replay').length === 4, 'the first deliveries');
    const originals = new Map(receiver.at('/replay').map((r) => [r.headers['webhook-id'], r]));

    const from = events[1].position.toString();
    const replay = await engine.call('POST', `/webhooks/${webhook.id}/replay`, {
      token: engine.admin,
      body: { from },
    });
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ from, deliveries: 2 });
    await eventually(() => receiver.at('/replay').length === 6, 'the replayed deliveries');
    await pause(1_000);
    const replayed = receiver.at('/replay').slice(4);
    expect(ids(replayed).sort()).toEqual([events[2].id, events[3].id].sort());
    for (const request of replayed) {
      expect(request.body).toBe(originals.get(request.headers['webhook-id'])!.body);
      expect(request.verified[webhook.secret]).toBe(true);
    }
    const log = (
      await engine.call('GET', `/webhooks/${webhook.id}/deliveries`, { token: engine.admin })
    ).body.items;
    expect(log.filter((a: any) => a.replayId === replay.body.replayId)).toHaveLength(2);

    const since = events[3].metadata.occurredAt;
    const byTime = await engine.call('POST', `/webhooks/${webhook.id}/replay`, {
      token: engine.admin,
      body: { from: since },
    });
    expect(byTime.status).toBe(202);
    const expected = events.filter((e) => e.metadata.occurredAt >= since).map((e) => e.id);
    expect(byTime.body.deliveries).toBe(expected.length);
    await eventually(
      () => receiver.at('/replay').length === 6 + expected.length,
      'the deliveries replayed by time',
    );
    expect(ids(receiver.at('/replay').slice(6)).sort()).toEqual(expected.sort());
  });

  it('refuses a replay start that is neither a position nor a time', async () => {
    const webhook = await engine.subscribe({
      url: `${receiver.url}/nothing`,
      types: ['incident.*'],
    });
    const answer = await engine.call('POST', `/webhooks/${webhook.id}/replay`, {
      token: engine.admin,
      body: { from: 'last tuesday' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([
      { field: 'from', message: 'from must be a feed position (digits) or an RFC 3339 time' },
    ]);
    await engine.call('DELETE', `/webhooks/${webhook.id}`, { token: engine.admin });
  });

  it('signs with the old and the new secret after a rotation: receivers of either verify', async () => {
    const desk = await supportDesk(engine, { customerId: 'rotating-co' });
    const oldSecret = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
    const webhook = await engine.subscribe({
      url: `${receiver.url}/rotating`,
      types: ['incident.opened'],
      customerId: 'rotating-co',
      secret: oldSecret,
    });
    expect(webhook.secret).toBe(oldSecret);
    const rotated = await engine.call('POST', `/webhooks/${webhook.id}/rotate-secret`, {
      token: engine.admin,
      body: {},
    });
    expect(rotated.status).toBe(200);
    const newSecret: string = rotated.body.secret;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    expect(Date.parse(rotated.body.previousSecretsExpireAt) - Date.now()).toBeGreaterThan(
      23 * 3_600_000,
    );
    receiver.verifyWith('/rotating', oldSecret, newSecret);

    await desk.open();
    const [request] = await eventually(
      () => receiver.at('/rotating').length === 1 && receiver.at('/rotating'),
      'the delivery after rotation',
    );
    expect(request.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(request.verified).toEqual({ [oldSecret]: true, [newSecret]: true });

    const shown = [
      await engine.call('GET', `/webhooks/${webhook.id}`, { token: engine.admin }),
      await engine.call('GET', '/webhooks', { token: engine.admin }),
    ];
    for (const answer of shown) {
      expect(answer.status).toBe(200);
      expect(JSON.stringify(answer.body)).not.toContain(oldSecret.slice(6));
      expect(JSON.stringify(answer.body)).not.toContain(newSecret.slice(6));
    }
    const stored = JSON.stringify(
      (await engine.store.readStream(`webhook-${webhook.id}`)).map((event) => event.data),
    );
    expect(stored).toContain('"secret":"v1.'); // sealed (AES-256-GCM), never in clear
    expect(stored).not.toContain(oldSecret.slice(6));
    expect(stored).not.toContain(newSecret.slice(6));
  });

  it('pages the delivery log, newest first', async () => {
    const desk = await supportDesk(engine, { customerId: 'paging-co' });
    const webhook = await engine.subscribe({
      url: `${receiver.url}/paging`,
      types: ['incident.*'],
      customerId: 'paging-co',
    });
    const incident = await desk.open();
    for (const message of ['One.', 'Two.'])
      await engine.call('POST', `/incidents/${incident.id}/responses`, {
        token: desk.engineer,
        body: { message },
      });
    await eventually(() => receiver.at('/paging').length === 3, 'three deliveries');
    const seen: any[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
      const page = await engine.call('GET', `/webhooks/${webhook.id}/deliveries${query}`, {
        token: engine.admin,
      });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    const events = await engine.store.readStream(`incident-${incident.id}`);
    expect(seen.map((a) => a.eventId)).toEqual(events.map((e) => e.id).reverse());
    expect(seen.map((a) => a.eventPosition)).toEqual(
      events.map((e) => e.position.toString()).reverse(),
    );
    const bad = await engine.call('GET', `/webhooks/${webhook.id}/deliveries?cursor=nonsense`, {
      token: engine.admin,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid-cursor');
  });
});
