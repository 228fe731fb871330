import { startEngine, type EngineHarness } from '../support/engine-harness';
import { supportDesk, type SupportDesk } from '../support/support-desk';
import { INTAKE_SECRET, testQueues } from './support/intake-env';
import { deliver, intakeLog } from './support/intake-calls';
import { fixture } from './support/mail-fixtures';

const MAX_BYTES = 64 * 1024;

/** What `POST /intake/email` refuses before any rule: size, MIME, sender, secret. */
describe('email intake at the door (POST /intake/email)', () => {
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
  }, 60_000);

  afterAll(async () => {
    await engine?.close();
    await queues.cleanup();
  });

  it('answers 413 for a message over INTAKE_MAX_BYTES', async () => {
    const filler = 'x'.repeat(76) + '\r\n';
    const raw = Buffer.concat([
      fixture('plain-text'),
      Buffer.from(filler.repeat(MAX_BYTES / 78 + 10)),
    ]);
    const answer = await deliver(engine, raw);
    expect(answer.status).toBe(413);
    expect(answer.contentType).toMatch(/^application\/problem\+json/);
    expect(answer.body.code).toBe('payload-too-large');
  });

  it.each([
    ['malformed MIME', 'malformed', 'malformed-mime'],
    ['a multipart without its parts', 'malformed-multipart', 'malformed-mime'],
    ['a missing From', 'missing-from', 'missing-from'],
  ])('answers 400 problem+json for %s, and records nothing', async (_what, name, code) => {
    const answer = await deliver(engine, fixture(name));
    expect(answer.status).toBe(400);
    expect(answer.contentType).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ status: 400, code });
    // Nothing delivered to this engine got past the door, so its log stays empty.
    expect(await intakeLog(engine, desk.engineer)).toEqual([]);
  });

  it('answers 400 for an empty body and 415 for a body that is not message/rfc822', async () => {
    const empty = await deliver(engine, Buffer.alloc(0));
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe('malformed-mime');
    const json = await engine.call('POST', '/intake/email', {
      body: { from: 'acme-lead@example.com' },
      headers: { authorization: `Bearer ${INTAKE_SECRET}` },
    });
    expect(json.status).toBe(415);
    expect(json.body.code).toBe('unsupported-media-type');
  });

  it('answers 401 for a missing or wrong intake secret', async () => {
    for (const secret of [null, 'not-the-secret']) {
      const answer = await deliver(engine, fixture('plain-text'), secret);
      expect(answer.status).toBe(401);
      expect(answer.body.code).toBe('unauthorized');
    }
    expect(await intakeLog(engine, desk.engineer)).toEqual([]);
  });
});

describe('email intake without INTAKE_SECRET', () => {
  const queues = testQueues();
  let engine: EngineHarness;

  beforeAll(async () => {
    engine = await startEngine('sqlite', queues.env);
  }, 60_000);

  afterAll(async () => {
    await engine?.close();
    await queues.cleanup();
  });

  it('answers 503 intake-disabled', async () => {
    const answer = await deliver(engine, fixture('plain-text'));
    expect(answer.status).toBe(503);
    expect(answer.body.code).toBe('intake-disabled');
  });
});
