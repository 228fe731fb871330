import { stripQuotedHistory } from './quoted-history';

describe('stripQuotedHistory', () => {
  it('drops "On ... wrote:" and everything after it (Gmail, Apple Mail, Thunderbird)', () => {
    const text = [
      'It is nginx 1.24.',
      '',
      'On Mon, 24 Nov 2025 at 16:30, AlmaCare Support <support@almacare.test> wrote:',
      '> Which version do you run?',
      'trailing text of the quote',
    ].join('\n');
    expect(stripQuotedHistory(text)).toBe('It is nginx 1.24.');
  });

  it('recognises an "On ... wrote:" line that the client wrapped in two', () => {
    const text =
      'Done.\n\nOn Mon, 24 Nov 2025 at 16:30, AlmaCare Support <\nsupport@almacare.test> wrote:\n> old';
    expect(stripQuotedHistory(text)).toBe('Done.');
  });

  it('drops interleaved ">" lines but keeps the answers between them', () => {
    const text = '> Which version?\n1.24\n> Which OS?\nAlmaLinux 9.4';
    expect(stripQuotedHistory(text)).toBe('1.24\nAlmaLinux 9.4');
  });

  it.each([
    ['Outlook separator', 'See above.\n\n-----Original Message-----\nFrom: x\nold'],
    [
      'Outlook header block',
      'See above.\n\nFrom: AlmaCare Support <s@x>\nSent: Monday\nTo: me\nold',
    ],
    ['Outlook underscore rule', 'See above.\n\n________________________________\nFrom: s@x\nold'],
    ['forwarded block', 'See above.\n\n---------- Forwarded message ---------\nold'],
    ['German client', 'See above.\n\nAm 24.11.2025 um 16:30 schrieb Support <s@x>:\n> old'],
    ['French client', 'See above.\n\nLe lun. 24 nov. 2025 à 16:30, Support <s@x> a écrit :\n> old'],
  ])('drops the history after a %s', (_client, text) => {
    expect(stripQuotedHistory(text)).toBe('See above.');
  });

  it('keeps a "From:" line that starts no header block', () => {
    expect(stripQuotedHistory('From: the logs, the disk is full.')).toBe(
      'From: the logs, the disk is full.',
    );
  });

  it('leaves nothing of a reply that only quotes', () => {
    expect(stripQuotedHistory('> only\n> quoted')).toBe('');
  });
});
