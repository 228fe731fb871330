import { DomainError } from '@engine/domain';
import { WrongExpectedVersionError } from './event-store.errors';
import type { EventStore, RecordedEvent } from './event-store.port';

/**
 * How a command ended: `accepted` (decided, and appended or nothing to append), `refused` by the
 * decider (a DomainError, with its code), `conflict` (If-Match or concurrent writers), `error`.
 */
export type CommandOutcome = 'accepted' | 'refused' | 'conflict' | 'error';

export interface CommandReport {
  readonly commandType: string;
  readonly outcome: CommandOutcome;
  /** The refusal's code, for `refused`. */
  readonly code?: string;
  readonly durationSeconds: number;
  /** What this command appended now (empty when refused or when the command id had run before). */
  readonly appended: readonly RecordedEvent[];
}

export type CommandObserver = (report: CommandReport) => void;

/** One observer per store instance: each app (and each test's app) counts its own commands. */
const observers = new WeakMap<EventStore, CommandObserver>();

/** Every command `handleCommand` runs on `store` is reported to `observer`; returns the undo. */
export function observeCommands(store: EventStore, observer: CommandObserver): () => void {
  observers.set(store, observer);
  return () => {
    if (observers.get(store) === observer) observers.delete(store);
  };
}

export const commandObserverOf = (store: EventStore): CommandObserver | undefined =>
  observers.get(store);

export const failedOutcome = (error: unknown): Pick<CommandReport, 'outcome' | 'code'> => {
  if (error instanceof DomainError) return { outcome: 'refused', code: error.code };
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof WrongExpectedVersionError || code === 'concurrency-conflict')
    return { outcome: 'conflict' };
  return { outcome: 'error' };
};
