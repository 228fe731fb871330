import { sql, type Kysely } from 'kysely';

export type SqlDialect = 'sqlite' | 'postgres';

/**
 * Logical column types. Instants are canonical RFC 3339 UTC text (`2026-11-27T16:00:00.000Z`):
 * fixed width, so text order is time order in both dialects and no driver converts them.
 */
export type ColumnType = 'text' | 'integer' | 'bigint' | 'boolean';

export interface ColumnSchema {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable?: boolean;
}

export interface TableSchema {
  /** The base (live) table name; a rebuild writes `<name>__rebuild_<n>` and renames it in. */
  readonly name: string;
  readonly primaryKey: string;
  readonly columns: readonly ColumnSchema[];
  readonly indexes?: readonly (readonly string[])[];
}

/** What a projection reads and writes: one value per column, in logical (not driver) types. */
export type SqlValue = string | number | bigint | boolean | null;
export type Row = Readonly<Record<string, SqlValue>>;

const SQL_TYPES: Record<SqlDialect, Record<ColumnType, string>> = {
  sqlite: { text: 'text', integer: 'integer', bigint: 'integer', boolean: 'integer' },
  postgres: { text: 'text', integer: 'integer', bigint: 'bigint', boolean: 'boolean' },
};

/** Creates `physicalName` with the schema's columns and, unless told not to, its indexes. */
export async function createTable(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- DDL on tables of any shape
  db: Kysely<any>,
  dialect: SqlDialect,
  schema: TableSchema,
  physicalName: string,
  withIndexes = true,
): Promise<void> {
  const statements = createTableStatements(dialect, schema, physicalName);
  for (const statement of withIndexes ? statements : statements.slice(0, 1))
    await sql.raw(statement).execute(db);
}

/**
 * The secondary indexes alone (`IF NOT EXISTS`): a rebuild fills its tables without them, which is
 * several times faster, and builds them once before the swap.
 */
export const createIndexStatements = (schema: TableSchema, physicalName: string): string[] =>
  createTableStatements('sqlite', schema, physicalName)
    .slice(1)
    .map((statement) => statement.replace(/^CREATE INDEX /, 'CREATE INDEX IF NOT EXISTS '));

/** The DDL of one table, as plain statements: the table first, then its indexes. */
export function createTableStatements(
  dialect: SqlDialect,
  schema: TableSchema,
  physicalName: string,
): string[] {
  const columns = schema.columns.map((column) => {
    const type = SQL_TYPES[dialect][column.type];
    const key = column.name === schema.primaryKey ? ' PRIMARY KEY' : '';
    const nullability = column.nullable || key ? '' : ' NOT NULL';
    return `${quote(column.name)} ${type}${key}${nullability}`;
  });
  return [
    `CREATE TABLE ${quote(physicalName)} (${columns.join(', ')})`,
    ...(schema.indexes ?? []).map(
      (columnsOfIndex) =>
        `CREATE INDEX ${quote(`${physicalName}__${columnsOfIndex.join('_')}`)} ON ${quote(
          physicalName,
        )} (${columnsOfIndex.map(quote).join(', ')})`,
    ),
  ];
}

/** Identifiers here are ours (schema constants), never user input; quoting keeps them exact. */
export const quote = (identifier: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(identifier))
    throw new TypeError(`not a read-model identifier: ${identifier}`);
  return `"${identifier}"`;
};

/** A logical value as the driver takes it. */
export function encodeValue(dialect: SqlDialect, type: ColumnType, value: SqlValue): SqlValue {
  if (value === null) return null;
  if (type === 'boolean') return dialect === 'sqlite' ? (value ? 1 : 0) : Boolean(value);
  if (type === 'bigint' && dialect === 'postgres') return String(value);
  return value;
}

/** A driver value back to its logical type (pg answers bigint as text; SQLite booleans as 0/1). */
export function decodeValue(type: ColumnType, value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'boolean':
      return value === true || value === 1 || value === 1n || value === 't';
    case 'bigint':
      return BigInt(value as string | number | bigint);
    case 'integer':
      return Number(value);
    case 'text':
      return String(value);
  }
}

export function encodeRow(dialect: SqlDialect, schema: TableSchema, row: Row): SqlValue[] {
  return schema.columns.map((column) => {
    const value = row[column.name];
    if (value === undefined || (value === null && !column.nullable))
      throw new TypeError(`${schema.name}.${column.name} is missing`);
    return encodeValue(dialect, column.type, value);
  });
}

export function decodeRow(schema: TableSchema, raw: Readonly<Record<string, unknown>>): Row {
  const row: Record<string, SqlValue> = {};
  for (const column of schema.columns)
    row[column.name] = decodeValue(column.type, raw[column.name]);
  return row;
}
