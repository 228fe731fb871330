import type { Database } from 'better-sqlite3';

/**
 * Ordered, append-only list of migrations; each runs once, in one IMMEDIATE transaction with its
 * record in `event_store_migrations`. Never edit a released entry: add a new one.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     position  INTEGER PRIMARY KEY AUTOINCREMENT,
     stream_id TEXT    NOT NULL,
     version   INTEGER NOT NULL CHECK (version >= 1),
     id        TEXT    NOT NULL UNIQUE,
     type      TEXT    NOT NULL,
     data      TEXT    NOT NULL,
     metadata  TEXT    NOT NULL,
     created   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
     UNIQUE (stream_id, version)
   )`,
];

export function migrateSqlite(db: Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS event_store_migrations (
             version    INTEGER PRIMARY KEY,
             applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
           )`);
  const applied = db.prepare('SELECT version FROM event_store_migrations WHERE version = ?');
  const record = db.prepare('INSERT INTO event_store_migrations (version) VALUES (?)');
  MIGRATIONS.forEach((sql, index) => {
    const version = index + 1;
    db.transaction(() => {
      if (applied.get(version)) return;
      db.exec(sql);
      record.run(version);
    }).immediate();
  });
}
