import type { RecordedEvent } from '@engine/event-store';
import type { BatchPlan } from '../projection/batch-plan';
import { occurredAtOf } from '../projection/projection.model';
import type { BatchOutcome, CheckpointRecord } from './projection-store.port';

/** A `projection_status` row as either driver returns it. */
export const toCheckpointRecord = (raw: Readonly<Record<string, unknown>>): CheckpointRecord => ({
  name: String(raw.name),
  checkpoint: BigInt(raw.checkpoint as string | number | bigint),
  state: raw.state === 'halted' ? 'halted' : 'ok',
  error: raw.error === null || raw.error === undefined ? null : String(raw.error),
  errorPosition:
    raw.error_position === null || raw.error_position === undefined
      ? null
      : BigInt(raw.error_position as string | number | bigint),
  lastEventAt:
    raw.last_event_at === null || raw.last_event_at === undefined
      ? null
      : String(raw.last_event_at),
  generation: Number(raw.generation),
});

/** The status a planned batch leaves behind, and the outcome to report. */
export function afterBatch(
  status: CheckpointRecord,
  plan: BatchPlan,
): { record: CheckpointRecord; outcome: BatchOutcome } {
  const last: RecordedEvent | undefined = plan.applied.at(-1);
  const checkpoint = last?.position ?? status.checkpoint;
  const lastEventAt = (last && occurredAtOf(last)) ?? status.lastEventAt;
  const failure = plan.failure;
  const record: CheckpointRecord = {
    ...status,
    checkpoint,
    lastEventAt,
    state: failure ? 'halted' : 'ok',
    error: failure ? failure.message : null,
    errorPosition: failure ? failure.event.position : null,
  };
  const outcome: BatchOutcome = failure
    ? { kind: 'halted', checkpoint, lastEventAt, plan, failure }
    : { kind: 'applied', checkpoint, lastEventAt, plan };
  return { record, outcome };
}

/** The names of every table a projection's rebuilds leave behind, given the tables that exist. */
export const staleTablesOf = (
  baseNames: readonly string[],
  existing: readonly string[],
): string[] =>
  existing.filter((name) =>
    baseNames.some(
      (base) => name.startsWith(`${base}__rebuild_`) || name.startsWith(`${base}__old_`),
    ),
  );
