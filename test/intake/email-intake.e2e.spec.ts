import { startEngine, type EngineHarness } from '../support/engine-harness';
import { supportDesk, type SupportDesk } from '../support/support-desk';
import { INTAKE_SECRET, testQueues } from './support/intake-env';
import { deliver, eventsOf, intakeLog } from './support/intake-calls';
import { fixture } from './support/mail-fixtures';

const MAX_BYTES = 64 * 1024;

describe('email intake over HTTP (POST /intake/email)', () => {
  const queues = testQueues();
  let engine: EngineHarness;
  let desk: SupportDesk;

  beforeAll(async () => {
    engine = await startEngine('sqlite', {
      INTAKE_SECRET,
      INTAKE_MAX_BYTES: String(MAX_BYTES),
      ...queues.env,
    });
    desk = await supportDesk(engine);
    await supportDesk(engine, { customerId: 'basic', plan: 'essential' });
  }, 60_000);

  afterAll(async () => {
    await engine?.close();
    await queues.cleanup();
  });

  const incident = async (id: string) =>
    (await engine.call('GET', `/incidents/${id}`, { token: desk.engineer })).body;

  it.each([
    [
      'plain text',
      'plain-text',
      'nginx returns 502 after the upgrade',
      2,
      /^Since this morning's upgrade/,
    ],
    [
      'multipart/alternative',
      'multipart-alternative',
      'Backup job fails every night',
      3,
      /^The nightly backup to the NAS stops at 3% with "broken pipe"\.$/,
    ],
    [
      'HTML only',
      'html-only',
      'Question about repository mirrors',
      4,
      /^Which mirrors should we use for AlmaLinux 9\?\n\n \* mirror\.one\.example/,
    ],
    [
      'quoted-printable',
      'quoted-printable',
      'Kernel panic on boot',
      3,
      /“VFS: Unable to mount root fs”; the previous kernel still boots à merveille\./,
    ],
    [
      'base64',
      'base64',
      'Podman containers lose network',
      3,
      /^Containers started by podman lose their network after a reboot/,
    ],
    [
      'an ISO-8859-1 encoded subject',
      'subject-iso-8859-1',
      'Problème de démarrage du service',
      1,
      /^Le service ne démarre plus après la mise à jour\.$/,
    ],
    [
      'a UTF-8 encoded subject',
      'subject-utf-8',
      'Ошибка запуска ✓ ceph — OSD down',
      3,
      /^Three OSDs are down/,
    ],
  ])(
    'opens an incident from %s: title, severity tag, text',
    async (_what, name, title, severity, description) => {
      const answer = await deliver(engine, fixture(name));
      expect(answer.status).toBe(202);
      expect(answer.body).toMatchObject({
        outcome: 'opened',
        number: expect.stringMatching(/^INC-\d+$/),
      });
      const opened = await incident(answer.body.incidentId);
      expect(opened).toMatchObject({
        number: answer.body.number,
        customerId: 'acme',
        title,
        severity,
        category: 'unclassified',
        channel: 'email',
        reportedBy: 'acme-lead',
        status: 'new',
      });
      expect(opened.description).toMatch(description);
    },
  );

  it('records the email source with its attachments (name, type, size) in incident.opened', async () => {
    const answer = await deliver(engine, fixture('attachments'));
    expect(answer.body.outcome).toBe('opened');
    const [opened] = await eventsOf(engine, desk.engineer, answer.body.incidentId);
    expect(opened.type).toBe('incident.opened');
    expect(opened.data.source).toEqual({
      messageId: '<attachments-1@mail.example.com>',
      from: 'acme-lead@example.com',
      attachments: [
        { filename: 'smbd.log', contentType: 'text/plain', size: 50 },
        { filename: 'screenshot.png', contentType: 'image/png', size: 70 },
      ],
    });
    expect(opened.data.description).toContain('- smbd.log (text/plain, 50 B)');
  });

  it('opens or replies once per Message-ID: a second delivery answers the first outcome', async () => {
    const raw = fixture('plain-text', {}).toString().replace('<plain-1@', '<plain-dup@');
    const first = await deliver(engine, Buffer.from(raw));
    const second = await deliver(engine, Buffer.from(raw));
    expect(first.body.outcome).toBe('opened');
    expect(second.status).toBe(202);
    expect(second.body).toEqual({ ...first.body, duplicate: true });
    const log = await intakeLog(engine, desk.engineer);
    expect(log.filter((item) => item.messageId === '<plain-dup@mail.example.com>')).toHaveLength(1);
    expect(await eventsOf(engine, desk.engineer, first.body.incidentId)).toHaveLength(1);
  });

  it('takes a reply that names the incident in its subject, without the quoted history', async () => {
    const opened = await deliver(
      engine,
      Buffer.from(fixture('plain-text').toString().replace('<plain-1@', '<plain-tag@')),
    );
    const raw = fixture('reply-subject-tag', {
      NUMBER: opened.body.number,
      MESSAGE_ID: 'tag-reply-1@mail.example.com',
      BODY: 'nginx version: nginx/1.24.0',
    });
    const reply = await deliver(engine, raw);
    expect(reply.body).toMatchObject({
      outcome: 'replied',
      incidentId: opened.body.incidentId,
      number: opened.body.number,
    });
    // Delivered again (a retrying mail server): the same answer, no second comment.
    expect((await deliver(engine, raw)).body).toEqual({ ...reply.body, duplicate: true });
    const events = await eventsOf(engine, desk.engineer, opened.body.incidentId);
    expect(events.map((event) => event.type)).toEqual(['incident.opened', 'incident.commented']);
    expect(events.at(-1)).toMatchObject({
      type: 'incident.commented',
      data: {
        side: 'customer',
        message: 'nginx version: nginx/1.24.0',
        by: { id: 'acme-lead', role: 'customer-lead', org: 'acme' },
      },
    });
  });

  it('refuses, and logs why: an Essential customer’s lead (email is an Enhanced channel)', async () => {
    const answer = await deliver(engine, fixture('essential-lead'));
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({
      outcome: 'refused',
      reason: 'channel-not-allowed',
      messageId: '<essential-1@mail.example.com>',
    });
    const log = await intakeLog(engine, desk.ops);
    expect(log.find((item) => item.messageId === '<essential-1@mail.example.com>')).toMatchObject({
      kind: 'message',
      from: 'basic-lead@example.com',
      outcome: 'refused',
      reason: 'channel-not-allowed',
      summary: 'refused: channel-not-allowed',
    });
  });

  it('refuses a lead whose training is not recorded, and an address that leads at two customers', async () => {
    const admin = desk.admin;
    const nominate = (customerId: string, userId: string, email: string) =>
      engine.call('POST', `/customers/${customerId}/leads`, {
        token: admin,
        body: { userId, name: userId, email },
      });
    await nominate('acme', 'acme-new', 'new-lead@example.com');
    for (const customerId of ['globex', 'initech']) {
      await engine.call('POST', '/customers', {
        token: admin,
        body: { id: customerId, name: customerId, plan: 'enhanced', hosts: 500 },
      });
      await nominate(customerId, `${customerId}-shared`, 'Shared.Lead@example.com');
      await engine.call('POST', `/customers/${customerId}/leads/${customerId}-shared/training`, {
        token: admin,
      });
    }
    const from = (address: string, id: string) =>
      Buffer.from(
        fixture('plain-text')
          .toString()
          .replace(/^From: .*$/m, `From: ${address}`)
          .replace('<plain-1@', `<${id}@`),
      );
    expect((await deliver(engine, from('new-lead@example.com', 'untrained'))).body).toMatchObject({
      outcome: 'refused',
      reason: 'lead-not-trained',
    });
    expect((await deliver(engine, from('shared.lead@example.com', 'shared'))).body).toMatchObject({
      outcome: 'refused',
      reason: 'ambiguous-sender',
    });
  });

  it('refuses an unknown sender, and an auto-reply to a thread', async () => {
    expect((await deliver(engine, fixture('unknown-sender'))).body).toMatchObject({
      outcome: 'refused',
      reason: 'unknown-sender',
    });
    const auto = await deliver(
      engine,
      fixture('auto-reply', { NUMBER: 'INC-1001', IN_REPLY_TO: '<plain-1@mail.example.com>' }),
    );
    expect(auto.body).toMatchObject({ outcome: 'refused', reason: 'auto-reply' });
  });

  it('shows the log to vendor roles and ops, page by page, and to no one else', async () => {
    const all = await intakeLog(engine, desk.engineer);
    expect(all.length).toBeGreaterThan(5);
    const first = await engine.call('GET', '/intake/log?limit=2', { token: desk.ops });
    const second = await engine.call(
      'GET',
      `/intake/log?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      { token: desk.ops },
    );
    expect([...first.body.items, ...second.body.items]).toEqual(all.slice(0, 4));
    expect(all.find((item) => item.outcome === 'opened')?.summary).toMatch(/^opened INC-\d+$/);
    expect((await engine.call('GET', '/intake/log', { token: desk.lead })).status).toBe(403);
    expect((await engine.call('GET', '/intake/log', { token: desk.admin })).status).toBe(403);
    expect((await engine.call('GET', '/intake/log?cursor=nope', { token: desk.ops })).status).toBe(
      400,
    );
  });
});
