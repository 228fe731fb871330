import type { RecordedEvent } from '@engine/event-store';
import type { Thread } from '../storage/intake-directory.store';
import { domainOf, planNotification } from './notification.render';

const engineer = { id: 'eng-1', role: 'engineer' as const };
const lead = { id: 'lead-1', role: 'customer-lead' as const, org: 'acme' };

const thread: Thread = {
  incidentId: 'i-1',
  number: 'INC-1042',
  customerId: 'acme',
  title: 'nginx returns 502',
  channel: 'email',
  reporterUserId: 'lead-1',
  reporterEmail: 'acme-lead@example.com',
  rootMessageId: '<root@mail.example.com>',
  openedAt: '2025-11-24T09:00:00.000Z',
};

const event = (type: string, data: unknown, commandType = 'Respond'): RecordedEvent => ({
  id: `e-${type}`,
  type,
  data,
  streamId: 'incident-i-1',
  version: 2n,
  position: 10n,
  metadata: {
    occurredAt: '2025-11-24T10:00:00.000Z',
    actor: engineer,
    correlationId: 'c',
    causationId: 'c',
    commandType,
  },
});

const at = '2025-11-24T10:00:00.000Z';

describe('planNotification', () => {
  it('threads every mail to the incident: subject tag, own Message-ID, In-Reply-To/References to the opening mail', () => {
    const planned = planNotification(
      event('incident.responded', { at, by: engineer, message: 'We are on it.' }),
      thread,
      'almacare.test',
    );
    expect(planned).toMatchObject({
      notificationId: 'notify-e-incident.responded',
      to: 'acme-lead@example.com',
      subject: '[INC-1042] nginx returns 502',
      messageId: '<inc-1042.e-incident.responded@almacare.test>',
      inReplyTo: '<root@mail.example.com>',
      references: ['<root@mail.example.com>'],
    });
    expect(planned?.text).toMatch(/^We are on it\.\n\n-- \nINC-1042: nginx returns 502\n/);
  });

  it.each([
    ['incident.commented', { at, by: engineer, side: 'vendor', message: 'Try this.' }, 'Try this.'],
    [
      'incident.awaiting-customer',
      {
        at,
        by: engineer,
        message: 'Send the logs.',
        customerSideDeadline: '2025-12-01T10:00:00.000Z',
      },
      'Send the logs.\n\nPlease reply to this email by 2025-12-01 10:00 UTC',
    ],
    [
      'incident.customer-reminded',
      { at, reminder: 0, dueAt: at, customerSideDeadline: '2025-12-01T10:00:00.000Z' },
      'Reminder: we are still waiting for your answer.',
    ],
    [
      'incident.status-report-posted',
      { at, by: engineer, summary: 'Patch in QA.' },
      'Status report:\n\nPatch in QA.',
    ],
    [
      'incident.workaround-provided',
      { at, by: engineer, workaround: 'Restart.' },
      'Workaround:\n\nRestart.',
    ],
    [
      'incident.resolved',
      { at, by: engineer, resolution: 'Fixed in 1.2.', workaround: null },
      'Resolved:\n\nFixed in 1.2.\n\nIf the problem is not solved, reply to this email to reopen',
    ],
    [
      'incident.closed',
      {
        at,
        by: engineer,
        reason: 'out-of-scope',
        code: 'hardware-malfunction',
        reference: null,
        message: 'Disk.',
      },
      'Closed as out of scope (hardware-malfunction).\n\nDisk.',
    ],
    [
      'incident.closed-by-timeout',
      { at, reason: 'timeout', customerSideDeadline: '2025-12-01T10:00:00.000Z' },
      'Closed: we received no answer by 2025-12-01 10:00 UTC.',
    ],
  ])('mails %s', (type, data, text) => {
    const planned = planNotification(event(type, data, 'Whatever'), thread, 'almacare.test');
    expect(planned?.text.startsWith(text)).toBe(true);
  });

  it.each([
    [
      'a customer comment',
      event('incident.commented', { at, by: lead, side: 'customer', message: 'x' }),
    ],
    [
      'a withdrawal by the customer',
      event('incident.closed', {
        at,
        by: lead,
        reason: 'withdrawn',
        code: null,
        reference: null,
        message: '',
      }),
    ],
    ['an internal event', event('incident.response-sla-at-risk', { at })],
    // The workaround's (or report's, or closure's) own mail says it: one mail per message.
    [
      'a first response implied by another command',
      event('incident.responded', { at, by: engineer, message: 'x' }, 'Resolve'),
    ],
  ])('does not mail %s', (_what, recorded) => {
    expect(planNotification(recorded, thread, 'almacare.test')).toBeNull();
  });

  it('mails nothing for an incident opened on the web', () => {
    const web = { ...thread, channel: 'web', reporterEmail: null, rootMessageId: null };
    const responded = event('incident.responded', { at, by: engineer, message: 'x' });
    expect(planNotification(responded, web, 'almacare.test')).toBeNull();
  });

  it.each([
    ['support@almacare.test', 'almacare.test'],
    ['AlmaCare Support <support@almacare.test>', 'almacare.test'],
  ])('takes the Message-ID domain from %s', (from, domain) => {
    expect(domainOf(from)).toBe(domain);
  });
});
