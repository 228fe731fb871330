import type { Kysely } from 'kysely';
import { PROJECTION_STATUS_TABLE } from '../schema/read-model.migrations';
import { toCheckpointRecord } from './checkpoint-record';
import type { CheckpointRecord } from './projection-store.port';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the read store's untyped handle
type Db = Kysely<any>;

/** The position a follower has applied up to (0 when it never ran). */
export async function storedCheckpoint(db: Db, name: string): Promise<bigint> {
  const row = await db
    .selectFrom(PROJECTION_STATUS_TABLE)
    .select('checkpoint')
    .where('name', '=', name)
    .executeTakeFirst();
  return row ? BigInt(row.checkpoint as string | number) : 0n;
}

/** Every follower's stored status (projections and reactors; rebuilds in progress left out). */
export async function listCheckpoints(db: Db): Promise<CheckpointRecord[]> {
  const rows = await db.selectFrom(PROJECTION_STATUS_TABLE).selectAll().orderBy('name').execute();
  return rows
    .map((row: Record<string, unknown>) => toCheckpointRecord(row))
    .filter((record: CheckpointRecord) => !record.name.includes('@'));
}
