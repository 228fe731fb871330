import { assertNever, type Decider } from '../decider/decider';
import type { PolicyRegistry } from '../policy/policy.model';
import type { IncidentCommand } from './incident.commands';
import {
  replyAsCustomer,
  remindCustomer,
  requestInformation,
  timeOutCustomerSide,
} from './incident.customer-side';
import { escalate } from './incident.escalation';
import { evolveIncident } from './incident.evolve';
import type { IncidentEvent } from './incident.events';
import { authorize, existing, policyOf, type Decision } from './incident.guards';
import {
  classify,
  closeIncident,
  linkToProblem,
  openIncident,
  provideWorkaround,
  reopen,
  resolve,
  respond,
} from './incident.lifecycle';
import { changeSeverity, checkResponseSla } from './incident.response-sla';
import { initialIncidentState, type IncidentState } from './incident.state';
import {
  agreeStatusReportSchedule,
  checkStatusReport,
  postStatusReport,
  requestStatusReport,
} from './incident.status-reports';

export type IncidentDecider = Decider<IncidentCommand, IncidentEvent, IncidentState>;

/**
 * The incident decider. Each incident is judged by the policy version it was opened under, looked
 * up in `policies` (a pure registry of every recorded version).
 */
export const createIncidentDecider = (policies: PolicyRegistry): IncidentDecider => {
  const decide = (command: IncidentCommand, state: IncidentState): Decision => {
    if (command.type === 'OpenIncident') return openIncident(policies, command, state);
    const incident = existing(state);
    authorize(command.type, command.meta, incident);
    const policy = policyOf(policies, incident.policyVersion);
    switch (command.type) {
      case 'Respond':
        return respond(policy, command, state);
      case 'RequestInformation':
        return requestInformation(policy, command, state);
      case 'ReplyAsCustomer':
        return replyAsCustomer(policy, command, state);
      case 'ChangeSeverity':
        return changeSeverity(policy, command, state);
      case 'PostStatusReport':
        return postStatusReport(policy, command, state);
      case 'RequestStatusReport':
        return requestStatusReport(policy, command, state);
      case 'AgreeStatusReportSchedule':
        return agreeStatusReportSchedule(policy, command, state);
      case 'Escalate':
        return escalate(policy, command, state);
      case 'ProvideWorkaround':
        return provideWorkaround(policy, command, state);
      case 'Resolve':
        return resolve(policy, command, state);
      case 'CloseIncident':
        return closeIncident(policy, command, state);
      case 'Reopen':
        return reopen(policy, command, state);
      case 'Classify':
        return classify(policy, command, state);
      case 'LinkToProblem':
        return linkToProblem(command, state);
      case 'CheckResponseSla':
        return checkResponseSla(command, state);
      case 'CheckStatusReport':
        return checkStatusReport(command, state);
      case 'RemindCustomer':
        return remindCustomer(command, state);
      case 'TimeOutCustomerSide':
        return timeOutCustomerSide(command, state);
      default:
        return assertNever(command);
    }
  };
  return { decide, evolve: evolveIncident, initialState: initialIncidentState };
};
