import { AppendQueue, type QueuedAppend } from './append-queue';
import { newEvent } from './event-store.contract-kit';

const turnEnd = () => new Promise((resolve) => setImmediate(resolve));

/** A queue whose writer records the groups it is handed and answers each append at once. */
function recordingQueue(maxGroup?: number) {
  const groups: string[][] = [];
  const queue = new AppendQueue((group: QueuedAppend[]) => {
    groups.push(group.map((append) => append.streamId));
    group.forEach((append) => append.resolve({ nextVersion: 1n, positions: [1n] }));
  }, maxGroup);
  const add = (streamId: string) => queue.add(streamId, [newEvent('x')], 'any');
  return { groups, add };
}

describe('AppendQueue', () => {
  it('hands the appends of one event loop turn over together, at its end', async () => {
    const { groups, add } = recordingQueue();
    const appended = ['a', 'b', 'c', 'd', 'e'].map(add);
    expect(groups).toEqual([]);
    await turnEnd();
    expect(groups).toEqual([['a', 'b', 'c', 'd', 'e']]);
    await Promise.all(appended);
  });

  it('with maxGroup, hands over each full group at once and the rest at the end of the turn', async () => {
    const { groups, add } = recordingQueue(2);
    const appended = ['a', 'b', 'c', 'd', 'e'].map(add);
    expect(groups).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    await turnEnd();
    expect(groups).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    await Promise.all(appended);
  });
});
