import { STORE_KINDS } from '../support/engine-harness';
import { supportDesk } from '../support/support-desk';
import { WebhookReceiver } from './support/webhook-receiver';
import {
  ALL_INCIDENT_EVENT_TYPES,
  eventually,
  everyIncidentEvent,
  startWebhookEngine,
  type WebhookEngine,
} from './support/webhook-engine';

jest.setTimeout(120_000);

const settle = () => new Promise((resolve) => setTimeout(resolve, 1_500));

describe.each(STORE_KINDS)('webhook deliveries (%s)', (kind) => {
  let engine: WebhookEngine;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    await receiver.start();
    engine = await startWebhookEngine(kind);
  });
  afterAll(async () => {
    await engine?.close();
    await receiver.stop();
  });

  it('delivers every incident event exactly once to the subscriptions that match, signed', async () => {
    const acme = await supportDesk(engine);
    const globex = await supportDesk(engine, { customerId: 'globex' });
    const before = await acme.open({ title: 'Opened before any webhook' });

    const subscriptions = {
      all: await engine.subscribe({ url: `${receiver.url}/all`, types: ['incident.*'] }),
      timeouts: await engine.subscribe({
        url: `${receiver.url}/timeouts`,
        types: ['incident.closed-by-timeout'],
      }),
      acmeOpened: await engine.subscribe({
        url: `${receiver.url}/acme-opened`,
        types: ['incident.opened'],
        customerId: 'acme',
      }),
      globex: await engine.subscribe({
        url: `${receiver.url}/globex`,
        types: ['incident.*'],
        customerId: 'globex',
      }),
    };
    for (const [name, created] of Object.entries(subscriptions)) {
      expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      receiver.verifyWith(`/${name === 'acmeOpened' ? 'acme-opened' : name}`, created.secret);
    }

    const incidents = await everyIncidentEvent(engine, acme);
    const events = (
      await Promise.all(incidents.map((id) => engine.store.readStream(`incident-${id}`)))
    ).flat();
    await eventually(() => receiver.at('/all').length >= events.length, 'every event at /all');
    await settle();

    const all = receiver.at('/all');
    expect(all.map((r) => r.headers['webhook-id']).sort()).toEqual(events.map((e) => e.id).sort());
    expect([...new Set(all.map((r) => r.json.type))].sort()).toEqual(ALL_INCIDENT_EVENT_TYPES);
    expect(all.every((r) => r.verified[subscriptions.all.secret])).toBe(true);
    const opened = events.find((e) => e.type === 'incident.opened')!;
    expect(all.find((r) => r.headers['webhook-id'] === opened.id)!.json).toEqual({
      type: 'incident.opened',
      timestamp: opened.metadata.occurredAt,
      data: {
        id: opened.id,
        type: 'incident.opened',
        streamId: opened.streamId,
        version: '1',
        position: opened.position.toString(),
        occurredAt: opened.metadata.occurredAt,
        actor: opened.metadata.actor,
        data: opened.data,
      },
    });
    expect(all.some((r) => r.json.data.streamId === `incident-${before.id}`)).toBe(false);

    const timeouts = receiver.at('/timeouts');
    expect(timeouts.map((r) => r.json.type)).toEqual(['incident.closed-by-timeout']);
    expect(timeouts[0].json.data.streamId).toBe(`incident-${incidents[2]}`);
    expect(timeouts[0].verified[subscriptions.timeouts.secret]).toBe(true);
    expect(
      receiver
        .at('/acme-opened')
        .map((r) => r.json.data.streamId)
        .sort(),
    ).toEqual(incidents.map((id) => `incident-${id}`).sort());
    expect(receiver.at('/globex')).toEqual([]);

    // Another customer's incident reaches its own subscription and the catch-all, nobody else.
    const theirs = await globex.open();
    await eventually(() => receiver.at('/globex').length === 1, 'the globex delivery');
    await eventually(
      () => receiver.at('/all').some((r) => r.json.data.streamId === `incident-${theirs.id}`),
      'the globex incident at /all',
    );
    await settle();
    expect(receiver.at('/globex')[0].json.data.streamId).toBe(`incident-${theirs.id}`);
    expect(receiver.at('/globex')[0].verified[subscriptions.globex.secret]).toBe(true);
    expect(receiver.at('/acme-opened')).toHaveLength(3);
    expect(receiver.at('/timeouts')).toHaveLength(1);
  });
});
