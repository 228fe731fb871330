import { parseDocument } from 'yaml';
import { ALMACARE_POLICY_YAML } from './almacare.policy';
import { PolicyError, parsePolicy } from './policy.loader';

const REMOVE = Symbol('remove');

/** The default document with some fields changed (`'a.b.1': value`) or removed (`REMOVE`). */
function policyWith(changes: Record<string, unknown>): string {
  const document = parseDocument(ALMACARE_POLICY_YAML);
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.').map((key) => (/^\d+$/.test(key) ? Number(key) : key));
    if (value === REMOVE) document.deleteIn(keys);
    else document.setIn(keys, value);
  }
  return String(document);
}

/** Every issue line of the PolicyError the text raises (none when it loads). */
function issuesOf(text: string): string[] {
  try {
    parsePolicy(text);
    return [];
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    return error.issues.map(({ path, message }) => `${path}: ${message}`);
  }
}

const DURATION_HINT = '(ISO 8601 like PT2H or P7D, or { businessDays: N })';

describe('parsePolicy', () => {
  it('given the default document, then it loads without issues', () => {
    expect(issuesOf(ALMACARE_POLICY_YAML)).toEqual([]);
  });

  describe('given a mistake, then the issue names the field and says why', () => {
    it.each<[string, Record<string, unknown>, string[]]>([
      ['an unknown top-level key', { foo: 1 }, ['foo: unknown field']],
      ['a missing top-level section', { reopenWindow: REMOVE }, ['reopenWindow: required']],
      [
        'a version written as a number',
        { version: 2023.04 },
        ['version: must be a string, not a number: write it in quotes'],
      ],
      ['an empty version', { version: '' }, ['version: must not be empty']],
      [
        'an unknown time zone',
        { 'calendar.timeZone': 'Mars/Base' },
        ['calendar.timeZone: unknown time zone "Mars/Base"'],
      ],
      [
        'no working days',
        { 'calendar.workingDays': [] },
        ['calendar.workingDays: must list at least one working day'],
      ],
      [
        'an unknown weekday',
        { 'calendar.workingDays': ['mon', 'funday'] },
        [
          'calendar.workingDays.1: unknown weekday "funday" (one of mon, tue, wed, thu, fri, sat, sun)',
        ],
      ],
      [
        'a holiday that is not an ISO date',
        { 'calendar.holidays': ['2026-12-25', '2026-02-30', 'xmas'] },
        [
          'calendar.holidays.1: invalid date "2026-02-30" (ISO date like 2026-12-25)',
          'calendar.holidays.2: invalid date "xmas" (ISO date like 2026-12-25)',
        ],
      ],
      [
        'working hours ending before they start',
        { 'calendar.workingHours': { start: '17:00', end: '09:00' } },
        ['calendar.workingHours: start (17:00) must be before end (09:00)'],
      ],
      [
        'working hours not written HH:mm',
        { 'calendar.workingHours': { start: '9am', end: '24:00' } },
        ['calendar.workingHours.start: must be a time HH:mm'],
      ],
      ['both plans required', { 'plans.enhanced': REMOVE }, ['plans.enhanced: required']],
      [
        'an unknown plan',
        { 'plans.gold': { channels: ['web'] } },
        ['plans.gold: unknown plan (one of essential, enhanced)'],
      ],
      [
        'a response target for severity 5',
        { 'plans.enhanced.responseTargets.5': 'PT1H' },
        ['plans.enhanced.responseTargets.5: severity must be 1-4'],
      ],
      [
        'a missing response target',
        { 'plans.essential.responseTargets.4': REMOVE },
        ['plans.essential.responseTargets.4: required (every severity 1-4 needs an entry)'],
      ],
      [
        'a duration in words',
        { 'plans.essential.responseTargets.3': '2 days' },
        [`plans.essential.responseTargets.3: invalid duration "2 days" ${DURATION_HINT}`],
      ],
      [
        'zero business days',
        { 'plans.essential.responseTargets.4': { businessDays: 0 } },
        [
          'plans.essential.responseTargets.4: invalid duration {"businessDays":0}: businessDays must be a number greater than 0',
        ],
      ],
      [
        'a duration in months',
        { reopenWindow: 'P1M' },
        [
          'reopenWindow: invalid duration "P1M": years and months are not supported (their length varies): use weeks or days',
        ],
      ],
      [
        'an unknown channel',
        { 'plans.essential.channels': ['web', 'fax'] },
        ['plans.essential.channels.1: unknown channel "fax" (one of web, email)'],
      ],
      [
        'no channel',
        { 'plans.essential.channels': [] },
        ['plans.essential.channels: must list at least one channel'],
      ],
      [
        'no coverage',
        { 'plans.essential.coverage': [] },
        ['plans.essential.coverage: must list at least one category'],
      ],
      [
        'a category that is not kebab-case',
        { 'plans.essential.coverage.1': 'Live Patching' },
        [
          'plans.essential.coverage.1: must be a kebab-case category like os-bug, not "Live Patching"',
        ],
      ],
      [
        'an unknown included plan',
        { 'plans.enhanced.includes': 'gold' },
        ['plans.enhanced.includes: unknown plan "gold" (one of essential, enhanced)'],
      ],
      [
        'plans including each other',
        { 'plans.essential.includes': 'enhanced' },
        [
          'plans.essential.includes: cycle essential -> enhanced -> essential',
          'plans.enhanced.includes: cycle enhanced -> essential -> enhanced',
        ],
      ],
      [
        'warnAt of 1 or more',
        { 'responseSla.warnAt': 1.5 },
        ['responseSla.warnAt: must be a number between 0 and 1 (exclusive)'],
      ],
      [
        'warnAt in words',
        { 'responseSla.warnAt': 'lots' },
        ['responseSla.warnAt: must be a number between 0 and 1 (exclusive)'],
      ],
      [
        'a status report minInterval in words',
        { 'statusReports.1.minInterval': 'daily' },
        [`statusReports.1.minInterval: invalid duration "daily" ${DURATION_HINT}`],
      ],
      [
        'a status report default below its minInterval',
        { 'statusReports.1.default': 'PT12H' },
        ['statusReports.1.default: must not be shorter than minInterval'],
      ],
      [
        'an agreed rule not agreed',
        { 'statusReports.1.agreed': false },
        ['statusReports.1.agreed: must be true'],
      ],
      [
        'a rule of two kinds',
        { 'statusReports.3': { every: 'P14D', onRequest: 'P1D' } },
        [
          'statusReports.3: must be exactly one of { agreed: true, default, minInterval }, { every }, { onRequest }',
        ],
      ],
      [
        'a rule with an extra field',
        { 'statusReports.2.within': 'P1D' },
        ['statusReports.2.within: unknown field'],
      ],
      [
        'a status report rule for severity 5',
        { 'statusReports.5': { every: 'P1D' } },
        ['statusReports.5: severity must be 1-4'],
      ],
      [
        'pauseWhileAwaitingCustomer not a boolean',
        { 'statusReports.pauseWhileAwaitingCustomer': 'yes' },
        ['statusReports.pauseWhileAwaitingCustomer: must be true or false'],
      ],
      [
        'a reminder as long as the limit',
        { 'customerSide.reminders': ['P7D', 'P1D'] },
        ['customerSide.reminders.0: must be shorter than customerSide.limit'],
      ],
      [
        'a business-day reminder beyond a calendar limit',
        { 'customerSide.reminders': [{ businessDays: 8 }] },
        ['customerSide.reminders.0: must be shorter than customerSide.limit'],
      ],
      [
        'a missing technicalLeads.max',
        { 'technicalLeads.max': REMOVE },
        ['technicalLeads.max: required'],
      ],
      [
        'zero leads',
        { 'technicalLeads.leads': 0 },
        ['technicalLeads.leads: must be a whole number greater than 0'],
      ],
      [
        'an escalation level that is not a vendor role',
        { 'escalation.levels.2': 'boss' },
        [
          'escalation.levels.2: unknown role "boss" (one of engineer, senior-engineer, team-lead, cxo)',
        ],
      ],
      [
        'an escalation level 4',
        { 'escalation.levels.4': 'cxo' },
        ['escalation.levels.4: level must be 1-3'],
      ],
      [
        'a missing escalation level',
        { 'escalation.levels.3': REMOVE },
        ['escalation.levels.3: required (every level 1-3 needs an entry)'],
      ],
    ])('%s', (_, changes, expected) => {
      expect(issuesOf(policyWith(changes))).toEqual(expected);
    });
  });

  it('given several mistakes, then all are reported at once, one per line of the message', () => {
    const text = policyWith({ foo: 1, 'technicalLeads.max': REMOVE, 'responseSla.warnAt': 2 });
    let thrown: unknown;
    try {
      parsePolicy(text);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PolicyError);
    expect((thrown as PolicyError).message).toBe(
      [
        'foo: unknown field',
        'responseSla.warnAt: must be a number between 0 and 1 (exclusive)',
        'technicalLeads.max: required',
      ].join('\n'),
    );
  });

  it('given a YAML syntax error, then it is a PolicyError with its line number', () => {
    expect(issuesOf('program: almacare\nversion: [unclosed\n')).toEqual([
      'line 3, column 1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
    expect(issuesOf('program: almacare\nprogram: again\n')).toEqual([
      'line 2, column 1: YAML syntax error: Map keys must be unique',
    ]);
  });

  it('given a document that is not a mapping, then it is refused as a whole', () => {
    expect(issuesOf('- program\n- version\n')).toEqual([
      '(document): must be a YAML mapping of the policy fields',
    ]);
    expect(issuesOf('')).toEqual(['(document): must be a YAML mapping of the policy fields']);
  });

  it('given a calendar with only a time zone, then Mon-Fri, whole days and no holidays are assumed', () => {
    const text = policyWith({ calendar: { timeZone: 'Europe/Berlin' } });
    expect(parsePolicy(text).calendar).toEqual({
      timeZone: 'Europe/Berlin',
      workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
      workingHours: null,
      holidays: [],
    });
  });

  it('given working days and holidays out of order or repeated, then they are kept in order, once', () => {
    const text = policyWith({
      'calendar.workingDays': ['fri', 'mon', 'fri'],
      'calendar.holidays': ['2026-12-26', '2026-12-25', '2026-12-26'],
      'calendar.workingHours': { start: '09:00', end: '17:30' },
    });
    expect(parsePolicy(text).calendar).toMatchObject({
      workingDays: ['mon', 'fri'],
      workingHours: { start: '09:00', end: '17:30' },
      holidays: ['2026-12-25', '2026-12-26'],
    });
  });

  it('given a plan without includes, then its coverage is its own list', () => {
    const policy = parsePolicy(policyWith({ 'plans.enhanced.includes': REMOVE }));
    expect(policy.plans.enhanced.includes).toBeNull();
    expect(policy.plans.enhanced.coverage).not.toContain('os-bug');
  });

  it('given short durations for a demo, then they load like any other', () => {
    const policy = parsePolicy(
      policyWith({ 'customerSide.limit': 'PT3S', 'customerSide.reminders': ['PT1S'] }),
    );
    expect(policy.customerSide.limit).toEqual({ kind: 'calendar', iso: 'PT3S', days: 0, ms: 3000 });
  });
});
