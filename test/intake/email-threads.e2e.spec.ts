import { STORE_KINDS, startEngine, type EngineHarness } from '../support/engine-harness';
import { supportDesk, type SupportDesk } from '../support/support-desk';
import { INTAKE_SECRET, LEAD_EMAIL, eventually, freePort, testQueues } from './support/intake-env';
import { deliver, eventsOf, intakeLog } from './support/intake-calls';
import { fixture } from './support/mail-fixtures';
import { startSmtpReceiver, type ReceivedMail, type SmtpReceiver } from './support/smtp-receiver';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- nodemailer is CommonJS without types
const nodemailer = require('nodemailer');

const SUPPORT = 'AlmaCare Support <support@almacare.test>';
const MAX_BYTES = 256 * 1024;

describe.each(STORE_KINDS)('email threads on %s: SMTP in, notifications out', (kind) => {
  const queues = testQueues();
  let receiver: SmtpReceiver;
  let smtpPort: number;
  let engine: EngineHarness;
  let desk: SupportDesk;

  beforeAll(async () => {
    receiver = await startSmtpReceiver();
    smtpPort = await freePort();
    engine = await startEngine(kind, {
      INTAKE_SECRET,
      SMTP_PORT: String(smtpPort),
      SMTP_URL: receiver.url,
      SMTP_FROM: SUPPORT,
      INTAKE_MAX_BYTES: String(MAX_BYTES),
      ...queues.env,
    });
    desk = await supportDesk(engine);
  }, 60_000);

  afterAll(async () => {
    await engine?.close();
    await receiver?.close();
    await queues.cleanup();
  });

  /** Sends through the engine's SMTP listener with a real SMTP client. */
  const sendBySmtp = async (mail: Record<string, unknown>) => {
    const client = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false });
    try {
      return await client.sendMail({ from: `Ada Lead <${LEAD_EMAIL}>`, to: SUPPORT, ...mail });
    } finally {
      client.close();
    }
  };

  const notification = (number: string, text: RegExp): Promise<ReceivedMail> =>
    receiver.waitFor(
      (mail) =>
        mail.parsed.subject?.startsWith(`[${number}]`) === true &&
        text.test(mail.parsed.text ?? ''),
    );

  const stateOf = async (incidentId: string) =>
    (await engine.call('GET', `/incidents/${incidentId}`, { token: desk.engineer })).body;

  it('opens by SMTP, mails each vendor message threaded to it, and takes the replies back', async () => {
    // 1. A new message through the SMTP listener (a real client), with an attachment.
    const sent = await sendBySmtp({
      subject: '[S2] Foreman provisioning hangs',
      text: 'Provisioning stops at the PXE stage on every new host.',
      messageId: `<smtp-open-${kind}@mail.example.com>`,
      attachments: [
        { filename: 'foreman.log', content: 'PXE timeout\n', contentType: 'text/plain' },
      ],
    });
    expect(sent.response).toMatch(/^250 Accepted: opened INC-\d+$/);
    const number = /INC-\d+/.exec(sent.response)![0];
    const log = await intakeLog(engine, desk.engineer);
    const { incidentId } = log.find((item) => item.number === number);
    expect(await stateOf(incidentId)).toMatchObject({
      title: 'Foreman provisioning hangs',
      severity: 2,
      channel: 'email',
      status: 'new',
    });
    const [opened] = await eventsOf(engine, desk.engineer, incidentId);
    expect(opened.data.source.attachments).toEqual([
      { filename: 'foreman.log', contentType: 'text/plain', size: 12 },
    ]);

    // 2. The first response is mailed to the reporter, threaded to the opening message.
    await engine.call('POST', `/incidents/${incidentId}/responses`, {
      token: desk.engineer,
      body: { message: 'We are looking at it. Which Foreman version?' },
    });
    const response = await notification(number, /^We are looking at it\. Which Foreman version\?/);
    expect(response.envelopeTo).toEqual([LEAD_EMAIL]);
    expect(response.parsed.subject).toBe(`[${number}] Foreman provisioning hangs`);
    expect(response.parsed.from?.value[0].address).toBe('support@almacare.test');
    expect(response.parsed.inReplyTo).toBe(`<smtp-open-${kind}@mail.example.com>`);
    expect([response.parsed.references].flat()).toContain(`<smtp-open-${kind}@mail.example.com>`);
    const notificationId = response.parsed.messageId!;
    expect(notificationId).toMatch(new RegExp(`^<${number.toLowerCase()}\\..+@almacare\\.test>$`));

    // 3. A plain reply to that mail (no tag in its subject) finds the incident by In-Reply-To.
    const reply = await deliver(
      engine,
      fixture('reply-in-reply-to', {
        MESSAGE_ID: `reply-1-${kind}@mail.example.com`,
        IN_REPLY_TO: notificationId,
        REFERENCES: `<smtp-open-${kind}@mail.example.com> ${notificationId}`,
        BODY: 'Foreman 3.9 on AlmaLinux 9.',
      }),
    );
    expect(reply.body).toMatchObject({ outcome: 'replied', incidentId, number });
    expect((await eventsOf(engine, desk.engineer, incidentId)).at(-1)).toMatchObject({
      type: 'incident.commented',
      data: { side: 'customer', message: 'Foreman 3.9 on AlmaLinux 9.' },
    });

    // 4. An information request is mailed; the answer by SMTP puts the incident back on our side.
    await engine.call('POST', `/incidents/${incidentId}/information-requests`, {
      token: desk.engineer,
      body: { message: 'Please send the proxy log.', kind: 'information' },
    });
    const request = await notification(
      number,
      /^Please send the proxy log\.\n\nPlease reply to this email by/,
    );
    expect((await stateOf(incidentId)).status).toBe('awaiting-customer');
    const answered = await sendBySmtp({
      subject: `Re: ${request.parsed.subject}`,
      inReplyTo: request.parsed.messageId,
      references: [request.parsed.messageId],
      text: 'Log attached.\n\nOn Tue, AlmaCare Support wrote:\n> Please send the proxy log.',
      attachments: [{ filename: 'proxy.log', content: 'x'.repeat(2048) }],
    });
    expect(answered.response).toBe(`250 Accepted: replied ${number}`);
    expect(await stateOf(incidentId)).toMatchObject({ status: 'in-progress', side: 'vendor' });
    expect((await eventsOf(engine, desk.engineer, incidentId)).at(-1)).toMatchObject({
      type: 'incident.customer-responded',
      data: {
        message: 'Log attached.\n\nAttachments (1, not stored):\n- proxy.log (text/plain, 2.0 kB)',
      },
    });

    // 5. Resolved: mailed; a reply within the reopen window reopens it.
    await engine.call('POST', `/incidents/${incidentId}/resolution`, {
      token: desk.engineer,
      body: { resolution: 'Fixed by the DHCP option 66 setting.' },
    });
    const resolved = await notification(
      number,
      /^Resolved:\n\nFixed by the DHCP option 66 setting\./,
    );
    const reopened = await deliver(
      engine,
      fixture('reply-in-reply-to', {
        MESSAGE_ID: `reopen-1-${kind}@mail.example.com`,
        IN_REPLY_TO: resolved.parsed.messageId!,
        REFERENCES: resolved.parsed.messageId!,
        BODY: 'It happens again on the new rack.',
      }),
    );
    expect(reopened.body).toMatchObject({ outcome: 'reopened', incidentId, number });
    expect(await stateOf(incidentId)).toMatchObject({ status: 'in-progress' });
    expect((await eventsOf(engine, desk.engineer, incidentId)).at(-1)).toMatchObject({
      type: 'incident.reopened',
      data: { message: 'It happens again on the new rack.' },
    });

    // Every mail of the thread answered the opening message; the log shows each one sent.
    const mails = receiver.mails.filter((mail) => mail.parsed.subject?.startsWith(`[${number}]`));
    expect(mails).toHaveLength(3);
    for (const mail of mails)
      expect(mail.parsed.inReplyTo).toBe(`<smtp-open-${kind}@mail.example.com>`);
    const sentLog = await eventually(
      async () => {
        const entries = (await intakeLog(engine, desk.engineer)).filter(
          (item) => item.kind === 'notification' && item.number === number,
        );
        return entries.length === 3 && entries.every((item) => item.status === 'sent')
          ? entries
          : undefined;
      },
      10_000,
      'three sent notifications in the log',
    );
    expect(sentLog.map((item) => item.messageId).sort()).toEqual(
      mails.map((mail) => mail.parsed.messageId).sort(),
    );
    expect(sentLog.map((item) => item.event.type).sort()).toEqual([
      'incident.awaiting-customer',
      'incident.resolved',
      'incident.responded',
    ]);
  });

  it('refuses at the SMTP listener what is not mail (550) and what is too large (552)', async () => {
    const client = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false });
    try {
      await expect(
        client.sendMail({
          envelope: { from: LEAD_EMAIL, to: 'support@almacare.test' },
          raw: fixture('malformed'),
        }),
      ).rejects.toMatchObject({ responseCode: 550 });
      await expect(
        client.sendMail({
          envelope: { from: LEAD_EMAIL, to: 'support@almacare.test' },
          raw: fixture('missing-from'),
        }),
      ).rejects.toMatchObject({ responseCode: 550 });
      await expect(
        client.sendMail({
          from: LEAD_EMAIL,
          to: 'support@almacare.test',
          subject: 'Huge',
          text: 'x'.repeat(MAX_BYTES + 1024),
        }),
      ).rejects.toMatchObject({ responseCode: 552 });
    } finally {
      client.close();
    }
  });

  it('mails nothing for an incident opened on the web', async () => {
    const web = await desk.open({ title: 'Opened on the web' });
    await engine.call('POST', `/incidents/${web.id}/responses`, {
      token: desk.engineer,
      body: { message: 'Web response.' },
    });
    // A later email incident's notification arriving proves the feed passed the web response.
    const marker = await deliver(
      engine,
      Buffer.from(fixture('plain-text').toString().replace('<plain-1@', `<marker-${kind}@`)),
    );
    await engine.call('POST', `/incidents/${marker.body.incidentId}/responses`, {
      token: desk.engineer,
      body: { message: 'Marker response.' },
    });
    await notification(marker.body.number, /^Marker response\./);
    expect(receiver.mails.some((mail) => mail.parsed.subject?.includes(web.number))).toBe(false);
  });
});
