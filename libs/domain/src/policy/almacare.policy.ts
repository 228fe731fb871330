import type { Policy } from './policy.model';
import { parsePolicy } from './policy.loader';

/**
 * The default AlmaCare support policy, the same text as `policy/almacare.yaml` at the repository
 * root (a test keeps them equal): the domain reads no files, so it carries its own copy.
 */
export const ALMACARE_POLICY_YAML = `program: almacare
version: "2023-04"
calendar:               # default business calendar; a customer may have its own time zone / holidays
  timeZone: UTC
  workingDays: [mon, tue, wed, thu, fri]
  workingHours: null    # null = the whole day
  holidays: []          # ISO dates; a customer's own holidays are added to these
plans:
  essential:
    channels: [web]
    coverage: [installation-update, migration, eportal, live-patching, os-bug]
    responseTargets:
      1: PT2H
      2: PT12H
      3: { businessDays: 2 }
      4: { businessDays: 5 }
  enhanced:
    channels: [web, email]
    includes: essential  # covers everything essential covers, plus:
    coverage: [identity-freeipa, dns-bind, openldap, ceph, samba, containers, kvm, foreman, ansible,
               puppet, chef, nginx, apache, squid, mariadb, postgresql, redis, mysql, influxdb, couchdb,
               openscap, gitlab, jenkins, kubernetes, kafka, rabbitmq, os-migration, os-upgrade,
               design-architecture, backup, configuration]
    responseTargets:
      1: PT30M
      2: PT2H
      3: PT12H
      4: { businessDays: 2 }
responseSla:
  warnAt: 0.75          # ours: fraction of the target after which the incident is at risk
statusReports:
  1: { agreed: true, default: P1D, minInterval: P1D }   # default (until agreed) is ours
  2: { every: { businessDays: 3 } }
  3: { every: P14D }
  4: { onRequest: { businessDays: 2 } }               # the 2 business days are ours
  pauseWhileAwaitingCustomer: true
customerSide:
  limit: P7D
  reminders: [P2D, P1D] # ours: before the deadline
reopenWindow: P14D      # ours
technicalLeads:
  leads: 2
  per: 1000             # hosts
  max: 10
escalation:
  levels:
    1: senior-engineer
    2: team-lead
    3: cxo
`;

let parsed: Policy | undefined;

/** The default policy, parsed once (policies are frozen, so one shared copy is safe). */
export function almacarePolicy(): Policy {
  parsed ??= parsePolicy(ALMACARE_POLICY_YAML);
  return parsed;
}
