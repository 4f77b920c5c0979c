/** Stateless: several collectors share one PostgreSQL, migrate it together, and dedup across each other. */
import { afterAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../src/index.js';
import { MIGRATIONS } from '../src/db/migrations.js';
import { postgresBackend } from './helpers/backends.js';
import { message, post, reading } from './helpers/client.js';

describe('two collectors on one PostgreSQL', () => {
  const backend = postgresBackend();
  const cs: Collector[] = [];
  afterAll(async () => {
    for (const c of cs) await c.stop();
    await backend.cleanup();
  });

  it('migrate concurrently and answer the same message once between them', async () => {
    const url = await backend.url();
    cs.push(...await Promise.all([1, 2, 3].map((i) => startCollector({ db: url, host: `127.3.7.${20 + i}`, log: false }))));
    const [a, b, c] = cs as [Collector, Collector, Collector];
    const versions = await a.db.all('SELECT version FROM schema_migrations');
    expect(versions).toHaveLength(MIGRATIONS.length);
    const e = await a.enroll('ACME-0001', 'lb-pc');
    const agent = { ...e, customer: 'ACME-0001' };
    const msg = message(agent, [reading({ serial: 'LB-1', readAt: new Date(), counters: { total: 10 } })]);
    // The same message through all three at once, as a load balancer retrying would.
    const replies = await Promise.all([a, b, c].map((x) => post(x.url, agent, msg)));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(replies.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    expect(Number((await b.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM readings'))!.n)).toBe(1);
    // New devices seen by two instances at once end as one row.
    const m1 = message(agent, [reading({ serial: 'LB-2', readAt: new Date(), counters: { total: 1 } })]);
    const m2 = message(agent, [reading({ serial: 'LB-2', readAt: new Date(), counters: { total: 2 } })]);
    await Promise.all([post(a.url, agent, m1), post(b.url, agent, m2)]);
    expect(Number((await c.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM devices WHERE serial = 'LB-2'`))!.n)).toBe(1);
  });
});
