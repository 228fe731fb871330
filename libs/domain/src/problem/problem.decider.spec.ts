import type { Role } from '../decider/decider';
import { NotFoundError } from '../decider/domain-error';
import { DeciderSpecification } from '../testing/decider-specification';
import type { ProblemCommand } from './problem.commands';
import { problemDecider } from './problem.decider';
import {
  as,
  command,
  linked,
  now,
  published,
  recorded,
  resolved,
  rootCauseIdentified,
  workaroundIdentified,
} from '../testing/problem.fixtures';

const spec = DeciderSpecification.for(problemDecider);

const record = command('RecordProblem', {
  problemId: 'p1',
  title: ' Kernel panic on boot ',
  description: 'After the 5.14 update',
});
const link = (n: number) =>
  command('LinkIncident', { incidentId: `i${n}`, incidentNumber: `INC-${n}`, customerId: 'acme' });
const identifyRootCause = (rootCause = 'Bad initrd') => command('IdentifyRootCause', { rootCause });
const identifyWorkaround = (workaround = 'Boot the previous kernel') =>
  command('IdentifyWorkaround', { workaround });
const resolve = command('ResolveProblem', { resolution: 'Fixed in 5.14.2' });

describe('problem decider', () => {
  describe('RecordProblem', () => {
    it('records a problem', () =>
      spec
        .given([])
        .when(record)
        .then([
          {
            type: 'problem.recorded',
            data: {
              problemId: 'p1',
              title: 'Kernel panic on boot',
              description: 'After the 5.14 update',
              at: now,
              by: 'eng-1',
            },
          },
        ]));

    it('refuses a second recording', () =>
      spec.given([recorded]).when(record).thenRefuses('problem-exists'));

    it('refuses an empty title', () =>
      spec
        .given([])
        .when(command('RecordProblem', { problemId: 'p1', title: '  ', description: '' }))
        .thenRefuses('title-required'));
  });

  describe('LinkIncident', () => {
    it('links an incident, no workaround yet', () =>
      spec
        .given([recorded])
        .when(link(1))
        .then([
          {
            type: 'problem.incident-linked',
            data: {
              incidentId: 'i1',
              incidentNumber: 'INC-1',
              customerId: 'acme',
              workaround: null,
              at: now,
            },
          },
        ]));

    it('passes the known workaround on with the link', () =>
      spec
        .given([recorded, workaroundIdentified()])
        .when(link(2))
        .thenEvents((produced) =>
          expect(produced).toMatchObject([
            { type: 'problem.incident-linked', data: { workaround: 'Boot the previous kernel' } },
          ]),
        ));

    it('records nothing for an incident already linked', () =>
      spec
        .given([recorded, linked(1)])
        .when(link(1))
        .thenNothing());

    it('refuses an unknown problem with a not-found error', () => {
      spec.given([]).when(link(1)).thenRefuses('problem-not-found');
      expect(() => problemDecider.decide(link(1), problemDecider.initialState)).toThrow(
        NotFoundError,
      );
    });

    it('refuses a resolved problem, even for an incident already linked', () =>
      spec
        .given([recorded, linked(1), resolved])
        .when(link(1))
        .thenRefuses('problem-resolved'));
  });

  describe('known error publication', () => {
    it('root cause alone does not publish', () =>
      spec
        .given([recorded])
        .when(identifyRootCause())
        .then([rootCauseIdentified('Bad initrd', now)]));

    it('root cause after a workaround publishes the known error', () =>
      spec
        .given([recorded, workaroundIdentified()])
        .when(identifyRootCause())
        .then([
          rootCauseIdentified('Bad initrd', now),
          published('Bad initrd', 'Boot the previous kernel', now),
        ]));

    it('workaround after a root cause publishes the known error', () =>
      spec
        .given([recorded, rootCauseIdentified()])
        .when(identifyWorkaround())
        .then([
          workaroundIdentified('Boot the previous kernel', now),
          published('Bad initrd', 'Boot the previous kernel', now),
        ]));

    it('a later change of root cause is recorded but not published again', () =>
      spec
        .given([recorded, rootCauseIdentified(), workaroundIdentified(), published()])
        .when(identifyRootCause('Corrupt module signature'))
        .then([rootCauseIdentified('Corrupt module signature', now)]));

    it('a later change of workaround is recorded but not published again', () =>
      spec
        .given([recorded, rootCauseIdentified(), workaroundIdentified(), published()])
        .when(identifyWorkaround('Disable the module'))
        .then([workaroundIdentified('Disable the module', now)]));

    it('the same root cause or workaround again records nothing', () => {
      spec
        .given([recorded, rootCauseIdentified()])
        .when(identifyRootCause(' Bad initrd '))
        .thenNothing();
      spec.given([recorded, workaroundIdentified()]).when(identifyWorkaround()).thenNothing();
    });

    it('refuses empty texts', () => {
      spec.given([recorded]).when(identifyRootCause(' ')).thenRefuses('root-cause-required');
      spec.given([recorded]).when(identifyWorkaround('')).thenRefuses('workaround-required');
    });

    it('refuses an unknown or resolved problem', () => {
      spec.given([]).when(identifyRootCause()).thenRefuses('problem-not-found');
      spec.given([]).when(identifyWorkaround()).thenRefuses('problem-not-found');
      spec.given([recorded, resolved]).when(identifyRootCause()).thenRefuses('problem-resolved');
      spec.given([recorded, resolved]).when(identifyWorkaround()).thenRefuses('problem-resolved');
    });
  });

  describe('ResolveProblem', () => {
    it('resolves a problem', () =>
      spec
        .given([recorded, linked(1)])
        .when(resolve)
        .then([{ type: 'problem.resolved', data: { resolution: 'Fixed in 5.14.2', at: now } }]));

    it('resolves a known error', () =>
      spec
        .given([recorded, rootCauseIdentified(), workaroundIdentified(), published()])
        .when(resolve)
        .thenEvents((produced) =>
          expect(produced.map((event) => event.type)).toEqual(['problem.resolved']),
        ));

    it('refuses a second resolution', () =>
      spec
        .given([recorded, resolved])
        .when(resolve)
        .thenRefuses('problem-resolved', { problemId: 'p1' }));

    it('refuses an unknown problem', () =>
      spec.given([]).when(resolve).thenRefuses('problem-not-found'));

    it('refuses an empty resolution', () =>
      spec
        .given([recorded])
        .when(command('ResolveProblem', { resolution: '' }))
        .thenRefuses('resolution-required'));
  });

  describe('roles', () => {
    const commands: ProblemCommand[] = [
      record,
      link(1),
      identifyRootCause(),
      identifyWorkaround(),
      resolve,
    ];
    const vendors: Role[] = ['engineer', 'senior-engineer', 'team-lead', 'cxo'];
    const others: Role[] = ['customer-lead', 'ops', 'admin', 'system'];

    it.each(others)('refuses every command from %s, before anything else', (role) => {
      for (const refused of commands) {
        spec
          .given([recorded])
          .when({ ...refused, meta: { now, actor: as(role) } })
          .thenRefuses('forbidden');
      }
    });

    it.each(vendors)('accepts %s', (role) =>
      spec
        .given([recorded])
        .when({ ...identifyRootCause(), meta: { now, actor: as(role) } })
        .then([rootCauseIdentified('Bad initrd', now)]),
    );
  });
});
