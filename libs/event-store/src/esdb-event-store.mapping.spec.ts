import {
  ANY,
  type AllStreamResolvedEvent,
  NO_STREAM,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError as EsdbWrongExpectedVersionError,
} from '@eventstore/db-client';
import { StoreUnavailableError, WrongExpectedVersionError } from './event-store.errors';
import {
  comparePositions,
  currentRevisionToVersion,
  isStreamNotFound,
  mapEsdbError,
  matchesPrefixes,
  revisionToVersion,
  toExpectedRevision,
  toPosition,
  toRecordedEvent,
  versionToRevision,
} from './esdb-event-store.mapping';

describe('EventStoreDB revision mapping', () => {
  it('maps 0-based revisions to 1-based versions and back', () => {
    expect(revisionToVersion(0n)).toBe(1n);
    expect(versionToRevision(1n)).toBe(0n);
    expect(currentRevisionToVersion(NO_STREAM)).toBe(0n);
    expect(currentRevisionToVersion(4n)).toBe(5n);
  });

  it('maps expected versions to expected revisions', () => {
    expect(toExpectedRevision('any')).toBe(ANY);
    expect(toExpectedRevision('no-stream')).toBe(NO_STREAM);
    expect(toExpectedRevision(0n)).toBe(NO_STREAM);
    expect(toExpectedRevision(1n)).toBe(0n);
    expect(toExpectedRevision(10n)).toBe(9n);
    expect(() => toExpectedRevision(-1n)).toThrow(TypeError);
  });

  it('orders positions by commit, then prepare', () => {
    expect(comparePositions(toPosition(5n), toPosition(5n))).toBe(0);
    expect(comparePositions(toPosition(4n), toPosition(5n))).toBe(-1);
    expect(comparePositions({ commit: 5n, prepare: 0n }, toPosition(5n))).toBe(-1);
  });
});

describe('EventStoreDB error mapping', () => {
  it('maps a wrong expected version to the port error with the actual version', () => {
    const error = new EsdbWrongExpectedVersionError(undefined, {
      streamName: 'incident-1',
      expected: 2n,
      current: 4n,
    });
    const mapped = mapEsdbError(error, 'incident-1', 3n);
    expect(mapped).toBeInstanceOf(WrongExpectedVersionError);
    expect(mapped).toMatchObject({ streamId: 'incident-1', expected: 3n, actual: 5n });
    const missing = new EsdbWrongExpectedVersionError(undefined, {
      streamName: 'incident-2',
      expected: 0n,
      current: NO_STREAM,
    });
    expect(mapEsdbError(missing, 'incident-2', 1n)).toMatchObject({ actual: 0n });
  });

  it('maps connection failures to StoreUnavailableError and passes others through', () => {
    expect(mapEsdbError(new UnavailableError())).toBeInstanceOf(StoreUnavailableError);
    const other = new Error('boom');
    expect(mapEsdbError(other)).toBe(other);
  });

  it('recognises a missing stream', () => {
    expect(isStreamNotFound(new StreamNotFoundError(undefined, 'incident-9'))).toBe(true);
    expect(isStreamNotFound(new Error('x'))).toBe(false);
  });
});

describe('EventStoreDB event mapping', () => {
  const resolved = (
    streamId: string,
    type: string,
    extra: Partial<AllStreamResolvedEvent> = {},
  ): AllStreamResolvedEvent => ({
    event: {
      streamId,
      id: '0d6f1b8e-7f0a-4a50-9a53-3c7f9b0a1e11',
      isJson: true,
      revision: 2n,
      type,
      created: new Date(0),
      data: { a: 1 },
      metadata: {
        occurredAt: 't',
        actor: { id: 'u', role: 'engineer' },
        correlationId: 'c',
        causationId: null,
      },
      position: { commit: 1234n, prepare: 1234n },
    },
    commitPosition: 1234n,
    ...extra,
  });

  it('maps an engine event: version = revision + 1, position = commit position', () => {
    expect(toRecordedEvent(resolved('incident-1', 'incident.opened'))).toEqual({
      id: '0d6f1b8e-7f0a-4a50-9a53-3c7f9b0a1e11',
      type: 'incident.opened',
      streamId: 'incident-1',
      version: 3n,
      position: 1234n,
      data: { a: 1 },
      metadata: {
        occurredAt: 't',
        actor: { id: 'u', role: 'engineer' },
        correlationId: 'c',
        causationId: null,
      },
    });
  });

  it('ignores system streams and events and resolved links', () => {
    expect(toRecordedEvent(resolved('$stats-0', 'x'))).toBeNull();
    expect(toRecordedEvent(resolved('incident-1', '$metadata'))).toBeNull();
    const link = resolved('$ce-incident', '$>').event as NonNullable<
      AllStreamResolvedEvent['link']
    >;
    expect(toRecordedEvent({ ...resolved('incident-1', 'incident.opened'), link })).toBeNull();
  });

  it('filters stream prefixes case-sensitively', () => {
    expect(matchesPrefixes('incident-1', undefined)).toBe(true);
    expect(matchesPrefixes('incident-1', ['customer-', 'incident-'])).toBe(true);
    expect(matchesPrefixes('incident-1', ['Incident-'])).toBe(false);
  });
});
