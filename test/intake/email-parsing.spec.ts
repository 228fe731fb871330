import { EmailRejectedError, parseEmail, readSubject, synthesizedMessageId } from '@engine/intake';
import { fixture } from './support/mail-fixtures';

async function rejection(raw: Buffer): Promise<EmailRejectedError> {
  try {
    await parseEmail(raw);
  } catch (error) {
    if (error instanceof EmailRejectedError) return error;
    throw error;
  }
  throw new Error('expected the message to be rejected');
}

describe('reading inbound email (real MIME fixtures)', () => {
  it('reads a plain-text message: sender lower-cased, subject, text, Message-ID', async () => {
    const email = await parseEmail(fixture('plain-text'));
    expect(email).toMatchObject({
      messageId: '<plain-1@mail.example.com>',
      from: 'acme-lead@example.com',
      fromName: 'Ada Lead',
      subject: '[S2] nginx returns 502 after the upgrade',
      attachments: [],
      automatic: false,
    });
    expect(email.text).toBe(
      "Since this morning's upgrade every request to /api returns 502.\n\n" +
        'nginx error log: upstream prematurely closed connection.',
    );
  });

  it('takes the text part of multipart/alternative, not the HTML one', async () => {
    const email = await parseEmail(fixture('multipart-alternative'));
    expect(email.text).toBe('The nightly backup to the NAS stops at 3% with "broken pipe".');
  });

  it('converts HTML-only mail to text: no tags, no styles, list items kept', async () => {
    const { text } = await parseEmail(fixture('html-only'));
    expect(text).toContain('Which mirrors should we use for AlmaLinux 9?');
    expect(text).toMatch(/\* mirror\.one\.example\n \* mirror\.two\.example/);
    expect(text).not.toMatch(/<|color: red|logo/);
  });

  it('decodes quoted-printable (soft line breaks, UTF-8 bytes, =3D)', async () => {
    const { text } = await parseEmail(fixture('quoted-printable'));
    expect(text).toBe(
      'After the kernel update the host panics during boot with “VFS: Unable to mount root fs”; ' +
        'the previous kernel still boots à merveille.\nA line ending in an equals sign = stays intact.',
    );
  });

  it('decodes a base64 body', async () => {
    const { text } = await parseEmail(fixture('base64'));
    expect(text).toBe(
      'Containers started by podman lose their network after a reboot (netavark 1.10).\n' +
        'Restarting them fixes it until the next reboot.',
    );
  });

  it('decodes RFC 2047 encoded words in ISO-8859-1 (subject, sender name, body charset)', async () => {
    const email = await parseEmail(fixture('subject-iso-8859-1'));
    expect(email.subject).toBe('[S1] Problème de démarrage du service');
    expect(email.fromName).toBe('André Lead');
    expect(email.text).toBe('Le service ne démarre plus après la mise à jour.');
    expect(readSubject(email.subject)).toEqual({
      title: 'Problème de démarrage du service',
      severity: 1,
      incidentNumber: null,
    });
  });

  it('decodes RFC 2047 encoded words in UTF-8 across a folded subject (B and Q)', async () => {
    const email = await parseEmail(fixture('subject-utf-8'));
    expect(email.subject).toBe('Ошибка запуска ✓ ceph — OSD down');
  });

  it('lists attachments by name, type and size', async () => {
    const email = await parseEmail(fixture('attachments'));
    expect(email.text).toBe('Windows clients cannot reach the shares; logs attached.');
    expect(email.attachments).toEqual([
      { filename: 'smbd.log', contentType: 'text/plain', size: 50 },
      { filename: 'screenshot.png', contentType: 'image/png', size: 70 },
    ]);
  });

  it('reads the thread headers: In-Reply-To first, References newest first', async () => {
    const email = await parseEmail(
      fixture('reply-in-reply-to', {
        MESSAGE_ID: 'r1@mail.example.com',
        IN_REPLY_TO: '<n2@almacare.test>',
        REFERENCES: '<root@mail.example.com> <n1@almacare.test>\r\n <n2@almacare.test>',
        BODY: 'Version 1.24.',
      }),
    );
    expect(email.inReplyTo).toEqual(['<n2@almacare.test>']);
    expect(email.references).toEqual([
      '<n2@almacare.test>',
      '<n1@almacare.test>',
      '<root@mail.example.com>',
    ]);
  });

  it('marks auto-replies (Auto-Submitted) as automatic', async () => {
    const email = await parseEmail(
      fixture('auto-reply', { NUMBER: 'INC-1001', IN_REPLY_TO: '<n1@almacare.test>' }),
    );
    expect(email.automatic).toBe(true);
  });

  it('synthesizes a stable Message-ID from the bytes when the message has none', async () => {
    const raw = Buffer.from('From: acme-lead@example.com\r\nSubject: hi\r\n\r\nbody\r\n');
    const email = await parseEmail(raw);
    expect(email.messageId).toBe(synthesizedMessageId(raw));
    expect((await parseEmail(Buffer.from(raw))).messageId).toBe(email.messageId);
  });

  it.each([
    ['a text without any header field', 'malformed'],
    ['a multipart whose boundary never occurs', 'malformed-multipart'],
  ])('refuses %s as malformed MIME', async (_what, name) => {
    const error = await rejection(fixture(name));
    expect(error.code).toBe('malformed-mime');
  });

  it('refuses an empty message as malformed MIME', async () => {
    expect((await rejection(Buffer.alloc(0))).code).toBe('malformed-mime');
  });

  it('refuses a message without a From address', async () => {
    const error = await rejection(fixture('missing-from'));
    expect(error.code).toBe('missing-from');
  });
});
