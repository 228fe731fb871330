import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent } from '@engine/event-store';
import {
  createProblemLinkReactor,
  PROBLEM_LINK_REACTOR,
  problemLinkCommandId,
  type FeedFollower,
} from '@engine/read-models';
import {
  openIncident,
  policies,
  recordIncident,
} from '../../libs/read-models/src/testing/incident-scenarios';
import {
  KINDS,
  createTarget,
  openReadSide,
  until,
  type ReadSide,
  type TestTarget,
} from './support/read-side-fixture';

const at = '2026-03-02T10:00:00.000Z';
const problemEvent = (type: string, data: unknown): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: {
    occurredAt: at,
    actor: { id: 'eng-1', role: 'engineer' },
    correlationId: 'corr-link',
    causationId: null,
  },
});
const linked = (incidentId: string, workaround: string | null) =>
  problemEvent('problem.incident-linked', {
    incidentId,
    incidentNumber: `INC-${incidentId}`,
    customerId: 'acme',
    workaround,
    at,
  });

describe.each(KINDS)('the problem-link reactor on %s', (kind) => {
  let target: TestTarget;
  let store: EventStore;
  let on: ReadSide;
  const reactors: FeedFollower[] = [];

  const start = () => {
    const reactor = createProblemLinkReactor(store, on.projections, policies, {
      now: () => '2026-03-02T10:00:05.000Z',
      maxBackoffMs: 50,
      lease: { retryMs: 40 },
    });
    reactors.push(reactor);
    reactor.start();
    return reactor;
  };
  let head = '';
  const caughtUp = async (reactor: FeedFollower) => {
    await until(() => reactor.status().checkpoint === head, 'the reactor');
  };

  beforeEach(async () => {
    target = await createTarget(kind);
    store = await target.openStore();
    on = await openReadSide(target);
    await recordIncident(store, 'i1', [openIncident({ id: 'i1', receivedAt: at })]);
    const { positions } = await store.append(
      'problem-p1',
      [
        problemEvent('problem.recorded', {
          problemId: 'p1',
          title: 'Panic',
          description: 'd',
          at,
          by: 'eng-1',
        }),
        linked('i1', 'Boot the previous kernel'),
        linked('ghost', null),
      ],
      'no-stream',
    );
    head = positions.at(-1)!.toString();
  });

  afterEach(async () => {
    await Promise.all(reactors.splice(0).map((reactor) => reactor.stop()));
    await on.close();
    await store.close();
    await target.drop();
  });

  it('links the incident and passes the workaround on, caused by the linking event', async () => {
    const reactor = start();
    await caughtUp(reactor);
    const [, linking] = await store.readStream('problem-p1');
    const events = await store.readStream('incident-i1');
    expect(events.map((event) => event.type)).toEqual([
      'incident.opened',
      'incident.linked-to-problem',
      'incident.workaround-provided',
    ]);
    expect(events[1].data).toMatchObject({ problemId: 'p1' });
    expect(events[2].data).toMatchObject({
      workaround: 'Boot the previous kernel',
      problemId: 'p1',
    });
    expect(events[1].metadata).toMatchObject({
      actor: { id: 'system', role: 'system' },
      causationId: linking.id,
      correlationId: 'corr-link',
      commandId: problemLinkCommandId(linking.id),
    });
    // The link to an unknown incident was refused by the decider and skipped, not halted on.
    expect(reactor.status().state).toBe('running');
  });

  it('is idempotent under replays: the same linking event appends nothing twice', async () => {
    await caughtUp(start());
    await reactors[0].stop();
    const before = await store.readStream('incident-i1');
    await on.database.db
      .updateTable('projection_status')
      .set({ checkpoint: 0 })
      .where('name', '=', PROBLEM_LINK_REACTOR)
      .execute();
    await caughtUp(start());
    expect(await store.readStream('incident-i1')).toEqual(before);
  });
});
