import { problemDecider } from './problem.decider';
import type { ProblemEvent } from './problem.events';
import {
  earlier,
  linked,
  published,
  recorded,
  resolved,
  rootCauseIdentified,
  workaroundIdentified,
} from '../testing/problem.fixtures';
import { problemView } from './problem.view';

const viewOf = (events: readonly ProblemEvent[]) =>
  problemView(events.reduce(problemDecider.evolve, problemDecider.initialState));

describe('problemView', () => {
  it('is null before recording', () => expect(viewOf([])).toBeNull());

  it('shows an open problem', () =>
    expect(viewOf([recorded, linked(1), linked(2), linked(1)])).toEqual({
      id: 'p1',
      status: 'open',
      title: 'Kernel panic on boot',
      description: 'After the 5.14 update',
      recordedAt: earlier,
      recordedBy: 'eng-1',
      rootCause: null,
      workaround: null,
      knownError: false,
      knownErrorPublishedAt: null,
      linkedIncidents: ['i1', 'i2'],
      resolution: null,
      resolvedAt: null,
    }));

  it('shows a known error, then its resolution', () => {
    const knownError = [recorded, rootCauseIdentified(), workaroundIdentified(), published()];
    expect(viewOf(knownError)).toMatchObject({
      status: 'known-error',
      rootCause: 'Bad initrd',
      workaround: 'Boot the previous kernel',
      knownError: true,
      knownErrorPublishedAt: earlier,
    });
    expect(viewOf([...knownError, resolved])).toMatchObject({
      status: 'resolved',
      knownError: true,
      resolution: 'Fixed in 5.14.2',
      resolvedAt: earlier,
    });
  });
});
