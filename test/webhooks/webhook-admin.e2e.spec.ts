import { sql } from 'kysely';
import { SQL_DATABASE, type SqlDatabase } from '@engine/platform';
import { startWebhookEngine, type WebhookEngine } from './support/webhook-engine';

jest.setTimeout(120_000);

describe('webhook subscriptions when private targets are not allowed (the default)', () => {
  let engine: WebhookEngine;

  beforeAll(async () => {
    engine = await startWebhookEngine('sqlite', { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' });
  });
  afterAll(() => engine?.close());

  const create = (body: Record<string, unknown>, token = engine.admin) =>
    engine.call('POST', '/webhooks', { token, body: { types: ['incident.*'], ...body } });

  it.each([
    'http://127.0.0.1:8080/hooks',
    'http://localhost/hooks',
    'http://10.0.0.5/hooks',
    'http://172.20.1.1/hooks',
    'http://192.168.0.10/hooks',
    'http://169.254.169.254/latest/meta-data/',
    'http://0.0.0.0/',
    'http://[::1]:3000/',
    'http://[fd12:3456::1]/',
    'http://[::ffff:127.0.0.1]/',
  ])('refuses %s with 422 webhook-target-not-allowed', async (url) => {
    const answer = await create({ url });
    expect(answer.status).toBe(422);
    expect(answer.body.code).toBe('webhook-target-not-allowed');
  });

  it('refuses other schemes as a malformed request', async () => {
    const answer = await create({ url: 'ftp://hooks.example.com/in' });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([
      { field: 'url', message: 'url must be an absolute http or https URL' },
    ]);
  });

  it('accepts a public address; lists, shows and removes the subscription', async () => {
    const created = await create({ url: 'http://93.184.215.14/hooks', types: ['incident.opened'] });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/webhooks/${created.body.id}`);
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(created.body).toMatchObject({
      url: 'http://93.184.215.14/hooks',
      types: ['incident.opened'],
      customerId: null,
      status: 'enabled',
      version: 1,
    });
    const { secret, ...shown } = created.body;
    expect(secret).toMatch(/^whsec_/);

    const list = await engine.call('GET', '/webhooks', { token: engine.admin });
    expect(list.body).toEqual({ items: [{ ...shown, version: undefined }], nextCursor: null });
    const one = await engine.call('GET', `/webhooks/${created.body.id}`, { token: engine.admin });
    expect(one.body).toEqual(shown);

    const removed = await engine.call('DELETE', `/webhooks/${created.body.id}`, {
      token: engine.admin,
    });
    expect(removed.status).toBe(204);
    const gone = await engine.call('GET', `/webhooks/${created.body.id}`, { token: engine.admin });
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('webhook-not-found');
    expect((await engine.call('GET', '/webhooks', { token: engine.admin })).body.items).toEqual([]);
  });

  it('never keeps the signing secret in the idempotency store; a replay answers without it', async () => {
    const headers = { 'idempotency-key': 'create-hook-once' };
    const body = { url: 'http://93.184.215.14/once', types: ['incident.*'] };
    const first = await engine.call('POST', '/webhooks', { token: engine.admin, body, headers });
    expect(first.status).toBe(201);
    expect(first.body.secret).toMatch(/^whsec_/);
    const again = await engine.call('POST', '/webhooks', { token: engine.admin, body, headers });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.secret).toBeUndefined();
    const database = engine.app.get<SqlDatabase>(SQL_DATABASE);
    const stored = await sql<{
      body: string | null;
    }>`select response_body as body from idempotency_keys`.execute(database.db);
    expect(stored.rows.length).toBeGreaterThan(0);
    for (const row of stored.rows) expect(row.body ?? '').not.toContain(first.body.secret);
    // No incident event may ever be delivered to this public address from a test.
    await engine.call('DELETE', `/webhooks/${first.body.id}`, { token: engine.admin });
  });

  it('are described in the OpenAPI document', async () => {
    const answer = await engine.call('GET', '/openapi.json');
    expect(Object.keys(answer.body.paths)).toEqual(
      expect.arrayContaining([
        '/webhooks',
        '/webhooks/{id}',
        '/webhooks/{id}/rotate-secret',
        '/webhooks/{id}/enable',
        '/webhooks/{id}/deliveries',
        '/webhooks/{id}/replay',
      ]),
    );
    expect(answer.body.components.schemas.CreateWebhookDto.required).toEqual(['url', 'types']);
  });

  it('checks the request: event types, secrets, customers, role', async () => {
    const url = 'http://93.184.215.14/hooks';
    const badType = await create({ url, types: ['customer.registered'] });
    expect(badType.status).toBe(400);
    expect(badType.body.errors[0].field).toBe('types');
    const shortSecret = await create({
      url,
      secret: `whsec_${Buffer.alloc(16).toString('base64')}`,
    });
    expect(shortSecret.status).toBe(400);
    expect(shortSecret.body.errors).toEqual([
      {
        field: 'secret',
        message: 'secret must be whsec_ followed by the base64 of 24 to 64 bytes',
      },
    ]);
    const noCustomer = await create({ url, customerId: 'nobody' });
    expect(noCustomer.status).toBe(422);
    expect(noCustomer.body.code).toBe('customer-not-found');
    const engineer = await create({ url }, await engine.token('engineer'));
    expect(engineer.status).toBe(403);
    const ops = await engine.call('GET', '/webhooks', { token: await engine.token('ops') });
    expect(ops.status).toBe(403);
  });
});

describe('webhook subscriptions without WEBHOOK_SECRET_KEY', () => {
  let engine: WebhookEngine;

  beforeAll(async () => {
    engine = await startWebhookEngine('sqlite', { WEBHOOK_SECRET_KEY: '' });
  });
  afterAll(() => engine?.close());

  it('are refused with 503 rather than stored with a secret in clear', async () => {
    const answer = await engine.call('POST', '/webhooks', {
      token: engine.admin,
      body: { url: 'http://127.0.0.1:9/hooks', types: ['incident.*'] },
    });
    expect(answer.status).toBe(503);
    expect(answer.body.code).toBe('webhook-secret-key-unset');
    expect(answer.body.detail).toContain('WEBHOOK_SECRET_KEY');
    expect((await engine.call('GET', '/webhooks', { token: engine.admin })).body.items).toEqual([]);
  });
});
