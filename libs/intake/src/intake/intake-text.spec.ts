import type { ParsedEmail } from '../parsing/email-message';
import { descriptionOf, formatSize, replyOf, TEXT_MAX } from './intake-text';

const email = (text: string, attachments: ParsedEmail['attachments'] = []): ParsedEmail => ({
  messageId: '<m@x>',
  from: 'a@x',
  fromName: null,
  subject: 's',
  text,
  inReplyTo: [],
  references: [],
  attachments,
  automatic: false,
});

describe('incident text from an email', () => {
  const files = [
    { filename: 'app.log', contentType: 'text/plain', size: 2_500 },
    { filename: 'dump.tar.gz', contentType: 'application/gzip', size: 3_400_000 },
  ];

  it('lists attachments by name, type and size below the text', () => {
    expect(descriptionOf(email('Logs attached.', files))).toBe(
      'Logs attached.\n\nAttachments (2, not stored):\n' +
        '- app.log (text/plain, 2.4 kB)\n- dump.tar.gz (application/gzip, 3.2 MB)',
    );
  });

  it('keeps the whole text of a new message but only the new part of a reply', () => {
    const text = 'New words.\n\nOn Mon, 1 Dec 2025, Support <s@x> wrote:\n> old words';
    expect(descriptionOf(email(text))).toBe(text);
    expect(replyOf(email(text))).toBe('New words.');
  });

  it('says so when a new message has no text', () => {
    expect(descriptionOf(email(''))).toBe('(no text)');
    expect(replyOf(email('> quoted only'))).toBe('');
  });

  it('caps very long text', () => {
    expect(descriptionOf(email('x'.repeat(TEXT_MAX + 10))).length).toBeLessThanOrEqual(TEXT_MAX);
  });

  it.each([
    [512, '512 B'],
    [2_048, '2.0 kB'],
    [20_480, '20 kB'],
    [5 * 1024 * 1024, '5.0 MB'],
  ])('formats %d bytes as %s', (bytes, shown) => {
    expect(formatSize(bytes)).toBe(shown);
  });
});
