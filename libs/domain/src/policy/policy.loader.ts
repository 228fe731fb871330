import { parseDocument, type YAMLError } from 'yaml';
import { businessDayMs } from '../calendar/business-time';
import type { Calendar, Duration } from '../calendar/calendar.model';
import { DAY_MS } from '../calendar/working-windows';
import { VENDOR_ROLES } from '../decider/decider';
import { readCalendar } from './policy-calendar.reader';
import { readPlans } from './policy-plans.reader';
import { SEVERITIES, type Policy, type StatusReportRule } from './policy.model';
import { PolicyReader, allDefined, at, isMap, type PolicyIssue } from './policy.reader';

export type { PolicyIssue } from './policy.reader';

/** The policy document is invalid: every problem found, each naming its field (`path: message`). */
export class PolicyError extends Error {
  readonly issues: PolicyIssue[];

  constructor(issues: readonly PolicyIssue[]) {
    // Only the issues, one per line: whoever reports it says which document it was.
    super(issues.map(({ path, message }) => `${path}: ${message}`).join('\n'));
    this.name = 'PolicyError';
    this.issues = [...issues];
  }
}

const FIELDS = [
  'program',
  'version',
  'calendar',
  'plans',
  'responseSla',
  'statusReports',
  'customerSide',
  'reopenWindow',
  'technicalLeads',
  'escalation',
];
const ESCALATION_LEVELS = [1, 2, 3] as const;

/**
 * Parses and validates a support policy document (YAML). Throws a PolicyError listing every
 * problem (YAML syntax included), so a bad document is never half loaded.
 */
export function parsePolicy(yamlText: string): Policy {
  const document = parseDocument(yamlText);
  if (document.errors.length > 0) throw new PolicyError(document.errors.map(syntaxIssue));
  const root: unknown = document.toJS();
  if (!isMap(root)) {
    throw new PolicyError([
      { path: '(document)', message: 'must be a YAML mapping of the policy fields' },
    ]);
  }
  const reader = new PolicyReader();
  reader.map('', root, FIELDS);
  const calendar = readCalendar(reader, root.calendar);
  const policy = {
    program: reader.string('program', root.program),
    version: reader.string('version', root.version),
    calendar,
    plans: readPlans(reader, root.plans),
    responseSla: readResponseSla(reader, root.responseSla),
    statusReports: readStatusReports(reader, root.statusReports, calendar),
    customerSide: readCustomerSide(reader, root.customerSide, calendar),
    reopenWindow: reader.duration('reopenWindow', root.reopenWindow),
    technicalLeads: readTechnicalLeads(reader, root.technicalLeads),
    escalation: readEscalation(reader, root.escalation),
  };
  if (reader.issues.length > 0 || !isComplete(policy)) throw new PolicyError(reader.issues);
  return deepFreeze(policy);
}

function readResponseSla(reader: PolicyReader, value: unknown): Policy['responseSla'] | undefined {
  const map = reader.map('responseSla', value, ['warnAt']);
  if (!map) return undefined;
  const { warnAt } = map;
  if (typeof warnAt === 'number' && warnAt > 0 && warnAt < 1) return { warnAt };
  return reader.report('responseSla.warnAt', 'must be a number between 0 and 1 (exclusive)');
}

function readStatusReports(
  reader: PolicyReader,
  value: unknown,
  calendar: Calendar | undefined,
): Policy['statusReports'] | undefined {
  const map = reader.map('statusReports', value);
  if (!map) return undefined;
  const pause = 'pauseWhileAwaitingCustomer';
  const rules = reader.numbered(
    'statusReports',
    map,
    SEVERITIES,
    'severity',
    (path, rule) => readStatusReportRule(reader, path, rule, calendar),
    [pause],
  );
  const pauseWhileAwaitingCustomer = reader.boolean(at('statusReports', pause), map[pause]);
  if (!rules || pauseWhileAwaitingCustomer === undefined) return undefined;
  return { rules, pauseWhileAwaitingCustomer };
}

const RULE_SHAPES =
  'must be exactly one of { agreed: true, default, minInterval }, { every }, { onRequest }';

function readStatusReportRule(
  reader: PolicyReader,
  path: string,
  value: unknown,
  calendar: Calendar | undefined,
): StatusReportRule | undefined {
  const kinds = isMap(value)
    ? ['agreed', 'every', 'onRequest'].filter((kind) => kind in value)
    : [];
  if (!isMap(value) || kinds.length !== 1) return reader.report(path, RULE_SHAPES);
  switch (kinds[0]) {
    case 'agreed': {
      reader.map(path, value, ['agreed', 'default', 'minInterval']);
      if (value.agreed !== true) reader.report(at(path, 'agreed'), 'must be true');
      const byDefault = reader.duration(at(path, 'default'), value.default);
      const minInterval = reader.duration(at(path, 'minInterval'), value.minInterval);
      if (!byDefault || !minInterval || value.agreed !== true) return undefined;
      if (isShorter(byDefault, minInterval, calendar)) {
        return reader.report(at(path, 'default'), 'must not be shorter than minInterval');
      }
      return { kind: 'agreed', default: byDefault, minInterval };
    }
    case 'every': {
      reader.map(path, value, ['every']);
      const every = reader.duration(at(path, 'every'), value.every);
      return every && { kind: 'every', every };
    }
    default: {
      reader.map(path, value, ['onRequest']);
      const within = reader.duration(at(path, 'onRequest'), value.onRequest);
      return within && { kind: 'on-request', within };
    }
  }
}

function readCustomerSide(
  reader: PolicyReader,
  value: unknown,
  calendar: Calendar | undefined,
): Policy['customerSide'] | undefined {
  const map = reader.map('customerSide', value, ['limit', 'reminders']);
  if (!map) return undefined;
  const limit = reader.duration('customerSide.limit', map.limit);
  const reminders = reader.list('customerSide.reminders', map.reminders)?.map((reminder, index) => {
    const path = at('customerSide.reminders', index);
    const offset = reader.duration(path, reminder);
    if (!offset || !limit || isShorter(offset, limit, calendar)) return offset;
    return reader.report(path, 'must be shorter than customerSide.limit');
  });
  if (!limit || !reminders || !allDefined(reminders)) return undefined;
  return { limit, reminders };
}

function readTechnicalLeads(
  reader: PolicyReader,
  value: unknown,
): Policy['technicalLeads'] | undefined {
  const map = reader.map('technicalLeads', value, ['leads', 'per', 'max']);
  if (!map) return undefined;
  const leads = reader.positiveInteger('technicalLeads.leads', map.leads);
  const per = reader.positiveInteger('technicalLeads.per', map.per);
  const max = reader.positiveInteger('technicalLeads.max', map.max);
  return leads && per && max ? { leads, per, max } : undefined;
}

function readEscalation(reader: PolicyReader, value: unknown): Policy['escalation'] | undefined {
  const map = reader.map('escalation', value, ['levels']);
  const levels = map && reader.map('escalation.levels', map.levels);
  const roles =
    levels &&
    reader.numbered('escalation.levels', levels, ESCALATION_LEVELS, 'level', (path, role) =>
      reader.oneOf(path, role, VENDOR_ROLES, 'role'),
    );
  return roles && { levels: roles };
}

/**
 * Whether `a` is shorter than `b` at their nominal lengths: local days as 24 hours, business days
 * as working days of the policy's calendar. Without a valid calendar, business days cannot be
 * compared with calendar time, and no issue is reported (the calendar's own issue is).
 */
function isShorter(a: Duration, b: Duration, calendar: Calendar | undefined): boolean {
  if (a.kind === 'business' && b.kind === 'business') return a.businessDays < b.businessDays;
  if (!calendar && a.kind !== b.kind) return true;
  const nominal = (d: Duration) =>
    d.kind === 'calendar'
      ? d.days * DAY_MS + d.ms
      : d.businessDays * businessDayMs(calendar as Calendar);
  return nominal(a) < nominal(b);
}

function syntaxIssue(error: YAMLError): PolicyIssue {
  const position = error.linePos?.[0];
  const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return {
    path: position ? `line ${position.line}, column ${position.col}` : '(document)',
    message: `YAML syntax error: ${message}`,
  };
}

type Draft<T> = { readonly [K in keyof T]: T[K] | undefined };

const isComplete = <T>(draft: Draft<T>): draft is T =>
  Object.values(draft).every((value) => value !== undefined);

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
