import { createEventStore } from '../libs/event-store/src/event-store.factory';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
(async () => {
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' }); await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS dbg_plan'); await admin.query('CREATE DATABASE dbg_plan'); await admin.end();
  const store = await createEventStore({ kind: 'postgres', databaseUrl: 'postgres://postgres@127.0.0.1:5432/dbg_plan' });
  const ev = (t: string) => ({ id: randomUUID(), type: t, data: { a: 1 }, metadata: { occurredAt: new Date().toISOString(), actor: { id: 'x', role: 'engineer' }, correlationId: randomUUID(), causationId: null } });
  for (let i = 0; i < 200; i++) await Promise.all(Array.from({ length: 50 }, (_, k) => store.append(`s-${i}-${k}`, [ev('a')], 'no-stream')));
  await store.close();
})();
