/** An existing 0.1.0 database (schema version 1, with data) migrates in place on both databases: nothing lost, dedup per agent after. */
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, render } from '../src/db/migrations.js';
import { openDb } from '../src/db/open.js';
import { openPostgres } from '../src/db/postgres.js';
import { openSqlite } from '../src/db/sqlite.js';
import { ingest } from '../src/ingest.js';
import { BACKENDS } from './helpers/backends.js';

describe.each(BACKENDS.map((b) => [b().name, b] as const))('migrating a version 1 database (%s)', (name, makeBackend) => {
  const backend = makeBackend();
  afterAll(() => backend.cleanup());

  it('keeps every message, reading and counter and then deduplicates per agent', async () => {
    const url = await backend.url();
    const old = name === 'sqlite' ? openSqlite(url.slice('sqlite:'.length)) : openPostgres(url);
    await old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const v1 = MIGRATIONS[0]!;
    for (const s of v1.statements as string[]) await old.run(render(s, old.dialect));
    await old.run('INSERT INTO schema_migrations VALUES (1, ?, ?)', [v1.name, '2026-01-01T00:00:00Z']);
    await old.run(`INSERT INTO customers VALUES ('ACME-0001', '2026-01-01T00:00:00Z')`);
    for (const a of ['pc-a', 'pc-b']) await old.run(`INSERT INTO agents (agent_id, customer, agent_key, created_at) VALUES (?, 'ACME-0001', 'k', '2026-01-01T00:00:00Z')`, [a]);
    await old.run(`INSERT INTO devices (customer, device_key, serial, first_seen_at) VALUES ('ACME-0001', 'sn:hp:S1', 'S1', '2026-01-01T00:00:00Z')`);
    await old.run(`INSERT INTO messages VALUES ('m-1', 'pc-a', 'ACME-0001', 'readings', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'https', 1)`);
    await old.run(`INSERT INTO readings (message_id, position, device_id, agent_id, customer, read_at, received_at, ok, reason, payload) VALUES ('m-1', 0, 1, 'pc-a', 'ACME-0001', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00Z', 1, 'pages', '{}')`);
    await old.run(`INSERT INTO counters VALUES (1, 1, 'total', 1234, 'impressions', '2026-01-01T00:00:00.000Z')`);
    await old.close();

    const db = await openDb(url);
    try {
      expect((await db.all('SELECT version FROM schema_migrations ORDER BY version')).map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
      expect(await db.get('SELECT message_id, agent_id FROM messages')).toEqual({ message_id: 'm-1', agent_id: 'pc-a' });
      expect(Number((await db.get<{ v: number }>(`SELECT c.value AS v FROM counters c JOIN readings r ON r.id = c.reading_id WHERE r.message_id = 'm-1'`))!.v)).toBe(1234);
      expect(await db.get('SELECT first_read_at, identified_by FROM devices')).toEqual({ first_read_at: '2026-01-01T00:00:00.000Z', identified_by: 'serial' });
      // pc-b may now store a message with pc-a's id; pc-a's own repeat is a duplicate.
      const msg = (agentId: string) => ({ protocol: 1 as const, type: 'readings' as const, messageId: 'm-1', agentId, customer: 'ACME-0001', agentVersion: 'x', createdAt: '2026-01-02T00:00:00.000Z', readings: [] });
      expect(await ingest(db, msg('pc-b'), 'https')).toEqual({ duplicate: false, stored: 0 });
      expect((await ingest(db, msg('pc-a'), 'https')).duplicate).toBe(true);
    } finally {
      await db.close();
    }
  });
});
