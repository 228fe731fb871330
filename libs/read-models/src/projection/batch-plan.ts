import type { RecordedEvent } from '@engine/event-store';
import type { ColumnType, Row, TableSchema } from '../schema/table-schema';
import {
  ProjectionApplyError,
  type DocumentProjection,
  type Projection,
  type ProjectionChange,
} from './projection.model';

/** The rows a batch starts from, by base table name and key. */
export type LoadedRows = ReadonlyMap<string, ReadonlyMap<string, Row>>;

export interface TableWrites {
  readonly table: TableSchema;
  readonly upserts: readonly Row[];
  readonly deletes: readonly string[];
}

/** What applying a batch means for the tables: pure, computed before anything is written. */
export interface BatchPlan {
  /** The events applied: the whole batch, or those before the first one that failed. */
  readonly applied: readonly RecordedEvent[];
  readonly writes: readonly TableWrites[];
  readonly changes: readonly ProjectionChange[];
  /** The first event the projection could not apply; the runner halts on it. */
  readonly failure: ProjectionApplyError | null;
}

/** The keys of every table the batch touches, so that the store loads just those rows. */
export function keysToLoad(
  projection: Projection,
  events: readonly RecordedEvent[],
): Map<string, Set<string>> {
  const keys = new Map<string, Set<string>>(
    projection.documents.map((document) => [document.table.name, new Set<string>()]),
  );
  for (const event of events)
    for (const document of projection.documents) {
      const key = safeKey(document, event);
      if (key !== null) keys.get(document.table.name)!.add(key);
    }
  return keys;
}

/** A keyOf that throws is reported when the batch is planned, against that very event. */
const safeKey = (document: DocumentProjection<unknown>, event: RecordedEvent): string | null => {
  try {
    return document.keyOf(event);
  } catch {
    return null;
  }
};

interface Slot {
  doc: unknown;
  dirty: boolean;
  readonly existed: boolean;
}

/**
 * Folds the batch over the loaded documents and lists the rows to write. An event whose `keyOf`,
 * `evolve`, `toRow` or change description throws (or yields a row that does not fit the table)
 * stops the plan there: everything before it is still planned, nothing of it is.
 */
export function planBatch(
  projection: Projection,
  events: readonly RecordedEvent[],
  loaded: LoadedRows,
): BatchPlan {
  const fast = fold(projection, events, loaded, false);
  try {
    if (fast.failure === null) return { ...fast, writes: rowsOf(projection, fast.slots) };
  } catch {
    // A document that evolved fine but does not map to a row: find the event that made it so.
  }
  const careful = fold(projection, events, loaded, true);
  return { ...careful, writes: rowsOf(projection, careful.slots) };
}

function fold(
  projection: Projection,
  events: readonly RecordedEvent[],
  loaded: LoadedRows,
  checkEveryRow: boolean,
) {
  const slots = new Map<string, Map<string, Slot>>(
    projection.documents.map((document) => [document.table.name, new Map<string, Slot>()]),
  );
  const slotOf = (document: DocumentProjection<unknown>, key: string): Slot => {
    const table = slots.get(document.table.name)!;
    let slot = table.get(key);
    if (!slot) {
      const row = loaded.get(document.table.name)?.get(key);
      slot = { doc: row ? document.fromRow(row) : null, dirty: false, existed: row !== undefined };
      table.set(key, slot);
    }
    return slot;
  };
  const lookup = (table: string, key: string): unknown => slots.get(table)?.get(key)?.doc ?? null;
  const changes: ProjectionChange[] = [];
  for (const [index, event] of events.entries()) {
    const undo: Array<readonly [Slot, unknown, boolean]> = [];
    try {
      for (const document of projection.documents) {
        const key = document.keyOf(event);
        if (key === null) continue;
        const slot = slotOf(document, key);
        const next = document.evolve(slot.doc, event);
        if (next === slot.doc) continue;
        undo.push([slot, slot.doc, slot.dirty]);
        slot.doc = next;
        slot.dirty = true;
        if (checkEveryRow && next !== null) checkRow(document.table, document.toRow(next));
      }
      const change = projection.describe?.(event, lookup) ?? null;
      if (change) changes.push(change);
    } catch (error) {
      for (const [slot, doc, dirty] of undo.reverse()) {
        slot.doc = doc;
        slot.dirty = dirty;
      }
      const failure = new ProjectionApplyError(projection.name, event, error);
      return { applied: events.slice(0, index), slots, changes, failure };
    }
  }
  return { applied: events, slots, changes, failure: null };
}

function rowsOf(projection: Projection, slots: Map<string, Map<string, Slot>>): TableWrites[] {
  return projection.documents.map((document) => {
    const upserts: Row[] = [];
    const deletes: string[] = [];
    for (const [key, slot] of slots.get(document.table.name)!) {
      if (!slot.dirty) continue;
      if (slot.doc !== null) upserts.push(checkRow(document.table, document.toRow(slot.doc)));
      else if (slot.existed) deletes.push(key);
    }
    return { table: document.table, upserts, deletes };
  });
}

const fits: Record<ColumnType, (value: unknown) => boolean> = {
  text: (value) => typeof value === 'string',
  integer: (value) => Number.isSafeInteger(value),
  bigint: (value) => typeof value === 'bigint' || Number.isSafeInteger(value),
  boolean: (value) => typeof value === 'boolean',
};

/** A row with every column of the table, each of its type (null only where allowed). */
export function checkRow(table: TableSchema, row: Row): Row {
  for (const column of table.columns) {
    const value = row[column.name];
    if (value === null && column.nullable) continue;
    if (value === undefined || value === null || !fits[column.type](value))
      throw new TypeError(
        `${table.name}.${column.name}: ${JSON.stringify(String(value))} is not a ${column.nullable ? 'nullable ' : ''}${column.type}`,
      );
  }
  return row;
}
