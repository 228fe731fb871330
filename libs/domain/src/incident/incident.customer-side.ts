import type { Policy } from '../policy/policy.model';
import { customerSideDeadlines, toMs } from './incident.clocks';
import type {
  RemindCustomer,
  ReplyAsCustomer,
  RequestInformation,
  TimeOutCustomerSide,
} from './incident.commands';
import { byLead, bySystem, byVendor, existing, open, type Decision } from './incident.guards';
import { Recorder } from './incident.recorder';
import type { IncidentState } from './incident.state';

/**
 * An information, reproduction or remote-access request puts the incident on the customer's side
 * for one stay (policy `customerSide.limit`); a further request while waiting adds a question but
 * keeps the deadline. On a new incident it is also the first response.
 */
export const requestInformation = (
  policy: Policy,
  command: RequestInformation,
  state: IncidentState,
): Decision => {
  const incident = open(state);
  const by = byVendor(command.meta);
  const { now } = command.meta;
  const { message, kind } = command.data;
  if (incident.status === 'awaiting-customer')
    return [
      {
        type: 'incident.awaiting-customer',
        data: {
          at: now,
          by,
          requestKind: kind,
          message,
          customerSideDeadline: incident.customerSideDeadline ?? now,
          reminderDueAts: incident.reminderDueAts,
          firstResponse: false,
          withinTarget: null,
          responseTimeMs: null,
          further: true,
          statusReportDueAt: incident.statusReport.dueAt,
        },
      },
    ];
  const firstResponse = incident.status === 'new';
  return new Recorder(incident, policy).recordWithReportDue({
    type: 'incident.awaiting-customer',
    data: {
      at: now,
      by,
      requestKind: kind,
      message,
      ...customerSideDeadlines(policy, incident.calendar, now),
      firstResponse,
      withinTarget: firstResponse ? toMs(now) < toMs(incident.responseDueAt) : null,
      responseTimeMs: firstResponse ? toMs(now) - toMs(incident.receivedAt) : null,
      further: false,
      statusReportDueAt: null,
    },
  }).events;
};

/** A customer message: the awaited answer when on the customer's side, else a public comment. */
export const replyAsCustomer = (
  policy: Policy,
  command: ReplyAsCustomer,
  state: IncidentState,
): Decision => {
  const incident = open(state);
  const by = byLead(command.meta, incident);
  const { now } = command.meta;
  if (incident.status !== 'awaiting-customer')
    return [
      {
        type: 'incident.commented',
        data: { at: now, by, side: 'customer', message: command.data.message },
      },
    ];
  return new Recorder(incident, policy).recordWithReportDue({
    type: 'incident.customer-responded',
    data: { at: now, by, message: command.data.message, statusReportDueAt: null },
  }).events;
};

export const remindCustomer = (command: RemindCustomer, state: IncidentState): Decision => {
  const incident = existing(state);
  bySystem(command.meta);
  const { reminder } = command.data;
  const dueAt = incident.reminderDueAts[reminder];
  if (
    incident.status !== 'awaiting-customer' ||
    dueAt === undefined ||
    incident.customerSideDeadline === null ||
    incident.remindersSent.includes(reminder) ||
    toMs(command.meta.now) < toMs(dueAt)
  )
    return [];
  return [
    {
      type: 'incident.customer-reminded',
      data: {
        at: command.meta.now,
        reminder,
        dueAt,
        customerSideDeadline: incident.customerSideDeadline,
      },
    },
  ];
};

/** At the customer-side deadline with no reply, the incident closes by timeout. */
export const timeOutCustomerSide = (
  command: TimeOutCustomerSide,
  state: IncidentState,
): Decision => {
  const incident = existing(state);
  bySystem(command.meta);
  const deadline = incident.customerSideDeadline;
  if (
    incident.status !== 'awaiting-customer' ||
    deadline === null ||
    toMs(command.meta.now) < toMs(deadline)
  )
    return [];
  return [
    {
      type: 'incident.closed-by-timeout',
      data: { at: command.meta.now, reason: 'timeout', customerSideDeadline: deadline },
    },
  ];
};
