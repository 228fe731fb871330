import { notificationSubject, readSubject } from './subject';

describe('readSubject', () => {
  it.each([
    ['[S1] Database down', { title: 'Database down', severity: 1, incidentNumber: null }],
    ['Database down [s4]', { title: 'Database down', severity: 4, incidentNumber: null }],
    ['Database down', { title: 'Database down', severity: null, incidentNumber: null }],
    ['[S5] Not a severity', { title: '[S5] Not a severity', severity: null, incidentNumber: null }],
    [
      'Re: [INC-1042] nginx returns 502',
      { title: 'nginx returns 502', severity: null, incidentNumber: 'INC-1042' },
    ],
    ['AW: WG: [inc-7] [S2] Backup', { title: 'Backup', severity: 2, incidentNumber: 'INC-7' }],
    ['   ', { title: '(no subject)', severity: null, incidentNumber: null }],
    ['[S3]', { title: '(no subject)', severity: 3, incidentNumber: null }],
  ])('%j', (subject, expected) => {
    expect(readSubject(subject)).toEqual(expected);
  });

  it('caps the title like the web form', () => {
    expect(readSubject('x'.repeat(500)).title).toHaveLength(300);
  });

  it('tags notifications so that a reply names its incident', () => {
    const subject = notificationSubject('INC-1042', 'nginx returns 502');
    expect(subject).toBe('[INC-1042] nginx returns 502');
    expect(readSubject(`Re: ${subject}`).incidentNumber).toBe('INC-1042');
  });
});
