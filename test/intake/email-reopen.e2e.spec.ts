import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEngine, type EngineHarness } from '../support/engine-harness';
import { supportDesk, type SupportDesk } from '../support/support-desk';
import { INTAKE_SECRET, testQueues } from './support/intake-env';
import { deliver, eventsOf } from './support/intake-calls';
import { fixture } from './support/mail-fixtures';
import { startSmtpReceiver, type SmtpReceiver } from './support/smtp-receiver';

const REOPEN_WINDOW_MS = 2_000;

/** The shipped policy with a reopen window of seconds, under a version of its own. */
function shortWindowPolicy(dir: string): string {
  const text = readFileSync(join(__dirname, '../../policy/almacare.yaml'), 'utf8')
    .replace(/^version: .*$/m, 'version: "intake-reopen-test"')
    .replace(/^reopenWindow: .*$/m, `reopenWindow: PT${REOPEN_WINDOW_MS / 1000}S`);
  const path = join(dir, 'policy.yaml');
  writeFileSync(path, text);
  return path;
}

describe('email replies to closed incidents', () => {
  const queues = testQueues();
  const dir = mkdtempSync(join(tmpdir(), 'intake-policy-'));
  let receiver: SmtpReceiver;
  let engine: EngineHarness;
  let desk: SupportDesk;
  let serial = 0;

  beforeAll(async () => {
    receiver = await startSmtpReceiver();
    engine = await startEngine('sqlite', {
      INTAKE_SECRET,
      SMTP_URL: receiver.url,
      SUPPORT_POLICY: shortWindowPolicy(dir),
      ...queues.env,
    });
    desk = await supportDesk(engine);
    await supportDesk(engine, { customerId: 'globex' });
  }, 60_000);

  afterAll(async () => {
    await engine?.close();
    await receiver?.close();
    await queues.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A new email incident from acme's lead. */
  const openByEmail = async () => {
    serial += 1;
    const raw = fixture('plain-text').toString().replace('<plain-1@', `<reopen-${serial}@`);
    const answer = await deliver(engine, Buffer.from(raw));
    expect(answer.body.outcome).toBe('opened');
    return answer.body as { incidentId: string; number: string };
  };

  const replyByTag = (number: string, body: string, from?: string) => {
    serial += 1;
    let raw = fixture('reply-subject-tag', {
      NUMBER: number,
      MESSAGE_ID: `reply-${serial}@mail.example.com`,
      BODY: body,
    }).toString();
    if (from) raw = raw.replace(/^From: .*$/m, `From: ${from}`);
    return deliver(engine, Buffer.from(raw));
  };

  const stateOf = async (incidentId: string) =>
    (await engine.call('GET', `/incidents/${incidentId}`, { token: desk.engineer })).body;

  it('reopens within the window; after it, the reply opens a new incident pointing at the old one', async () => {
    const first = await openByEmail();
    await engine.call('POST', `/incidents/${first.incidentId}/resolution`, {
      token: desk.engineer,
      body: { resolution: 'Upstream keepalive fixed.' },
    });
    const within = await replyByTag(first.number, 'Still broken on node 2.');
    expect(within.body).toMatchObject({ outcome: 'reopened', incidentId: first.incidentId });

    await engine.call('POST', `/incidents/${first.incidentId}/resolution`, {
      token: desk.engineer,
      body: { resolution: 'Node 2 fixed too.' },
    });
    await new Promise((resolve) => setTimeout(resolve, REOPEN_WINDOW_MS + 500));
    const late = await replyByTag(first.number, 'It is back after a week.');
    expect(late.body).toMatchObject({ outcome: 'opened' });
    expect(late.body.incidentId).not.toBe(first.incidentId);
    expect(await stateOf(late.body.incidentId)).toMatchObject({
      relatedIncidentId: first.incidentId,
      channel: 'email',
      title: 'nginx returns 502 after the upgrade',
      description: 'It is back after a week.',
      status: 'new',
    });
    expect(await stateOf(first.incidentId)).toMatchObject({
      status: 'closed',
      closeReason: 'resolved',
    });
  });

  it('turns a reply to an incident closed as a duplicate into a new related incident', async () => {
    const original = await openByEmail();
    const duplicate = await openByEmail();
    await engine.call('POST', `/incidents/${duplicate.incidentId}/closure`, {
      token: desk.engineer,
      body: { reason: 'duplicate', reference: original.incidentId, message: 'Same as the other.' },
    });
    const reply = await replyByTag(duplicate.number, 'No, this one is a different host.');
    expect(reply.body.outcome).toBe('opened');
    expect((await stateOf(reply.body.incidentId)).relatedIncidentId).toBe(duplicate.incidentId);
  });

  it("refuses a lead of another customer writing into acme's incident (the decider's code)", async () => {
    const opened = await openByEmail();
    const intruder = await replyByTag(opened.number, 'Let me in.', 'globex-lead@example.com');
    expect(intruder.body).toMatchObject({
      outcome: 'refused',
      reason: 'forbidden',
      incidentId: opened.incidentId,
    });
    expect(await eventsOf(engine, desk.engineer, opened.incidentId)).toHaveLength(1);
  });

  it('refuses a reply to an incident number that does not exist', async () => {
    const answer = await replyByTag('INC-999999', 'Hello?');
    expect(answer.body).toMatchObject({ outcome: 'refused', reason: 'unknown-incident' });
  });
});
