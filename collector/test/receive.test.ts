import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../src/index.js';
import { ingest } from '../src/ingest.js';
import { BACKENDS } from './helpers/backends.js';
import { message, post, postRaw, reading, type Agent } from './helpers/client.js';

const count = async (c: Collector, table: string) => Number((await c.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n);

describe.each(BACKENDS.map((b) => [b().name, b] as const))('receiving messages (%s)', (_name, makeBackend) => {
  const backend = makeBackend();
  let c: Collector;
  let agent: Agent;
  const logs: string[] = [];

  beforeAll(async () => {
    c = await startCollector({ db: await backend.url(), host: '127.3.7.1', port: 0, log: (level, line) => logs.push(`${level} ${line}`) });
    const e = await c.enroll('ACME-0001', 'frontdesk-pc');
    agent = { agentId: e.agentId, key: e.key, customer: 'ACME-0001' };
  });
  afterAll(async () => {
    await c?.stop();
    await backend.cleanup();
  });

  it('stores a valid message once even when it is sent twice', async () => {
    const before = await count(c, 'readings');
    const msg = message(agent, [reading({ serial: 'ONCE-1', readAt: new Date(), counters: { total: 1000, mono: 600, color: 400 } })]);
    const first = await post(c.url, agent, msg);
    expect(first).toEqual({ status: 200, body: { ok: true, messageId: msg.messageId, duplicate: false } });
    // A retry re-signs the same body with a fresh timestamp.
    const second = await post(c.url, agent, msg, { ts: Math.floor(Date.now() / 1000) + 2 });
    expect(second).toEqual({ status: 200, body: { ok: true, messageId: msg.messageId, duplicate: true } });
    expect(await count(c, 'readings')).toBe(before + 1);
    const counters = await c.db.all('SELECT key, value FROM counters c JOIN devices d ON d.id = c.device_id WHERE d.serial = ? ORDER BY key', ['ONCE-1']);
    expect(counters.map((r) => [r.key, Number(r.value)])).toEqual([['color', 400], ['mono', 600], ['total', 1000]]);
    const a = await c.db.get('SELECT agent_version, last_heard_at FROM agents WHERE agent_id = ?', ['frontdesk-pc']);
    expect(a!.agent_version).toBe('0.1.0');
    expect(a!.last_heard_at).toBeTruthy();
  });

  it('rejects a forged signature with 401 and stores nothing', async () => {
    const before = await count(c, 'messages');
    const r = await post(c.url, agent, message(agent, [reading({ readAt: new Date(), counters: { total: 5 } })]), { signWith: randomBytes(32).toString('base64url') });
    expect(r).toEqual({ status: 401, body: { ok: false, code: 'bad_signature', error: 'bad signature' } });
    expect(await count(c, 'messages')).toBe(before);
  });

  it('rejects a replay with a stale timestamp with 401', async () => {
    const before = await count(c, 'messages');
    const r = await post(c.url, agent, message(agent, [reading({ readAt: new Date(), counters: { total: 5 } })]), { ts: Math.floor(Date.now() / 1000) - 301 });
    expect(r).toEqual({ status: 401, body: { ok: false, code: 'clock_skew', error: 'stale timestamp' } });
    const future = await post(c.url, agent, message(agent, []), { ts: Math.floor(Date.now() / 1000) + 400 });
    expect(future.status).toBe(401);
    expect(await count(c, 'messages')).toBe(before);
  });

  it('rejects an unknown agent with 401', async () => {
    const stranger = { agentId: 'stranger-pc', key: randomBytes(32).toString('base64url'), customer: 'ACME-0001' };
    const r = await post(c.url, stranger, message(stranger, []));
    expect(r).toEqual({ status: 401, body: { ok: false, code: 'unknown_agent', error: 'unknown agent' } });
  });

  it('rejects oversized bodies with 413, compressed or inflated', async () => {
    const big = randomBytes(300 * 1024); // does not compress
    const r1 = await postRaw(c.url, agent.agentId, agent.key, gzipSync(big));
    expect(r1).toEqual({ status: 413, body: { ok: false, code: 'too_large', error: 'too large' } });
    // 5 MiB of JSON that squeezes into a few KiB: a zip bomb must not be inflated past 4 MiB.
    const bomb = gzipSync(Buffer.from(JSON.stringify({ ...message(agent, []), pad: ' '.repeat(5 * 1024 * 1024) })));
    expect(bomb.length).toBeLessThan(256 * 1024);
    const r2 = await postRaw(c.url, agent.agentId, agent.key, bomb);
    expect(r2).toEqual({ status: 413, body: { ok: false, code: 'too_large', error: 'too large' } });
  });

  it('rejects garbage with 400 and stores nothing of it', async () => {
    const before = [await count(c, 'messages'), await count(c, 'readings'), await count(c, 'counters')];
    const notGzip = await postRaw(c.url, agent.agentId, agent.key, Buffer.from('{"protocol":1}'));
    expect(notGzip).toEqual({ status: 400, body: { ok: false, code: 'invalid', error: 'body is not gzip-compressed' } });
    const notJson = await postRaw(c.url, agent.agentId, agent.key, gzipSync(Buffer.from('readings: lots')));
    expect(notJson).toEqual({ status: 400, body: { ok: false, code: 'invalid', error: 'body is not JSON' } });
    // First reading fine, second one broken: the whole message is refused.
    const half = message(agent, [
      reading({ serial: 'HALF-1', readAt: new Date(), counters: { total: 10 } }),
      reading({ serial: 'HALF-2', readAt: new Date(), counters: { total: -3 } }),
    ]);
    const r = await post(c.url, agent, half);
    expect(r).toEqual({ status: 400, body: { ok: false, code: 'invalid', error: 'readings[1].counters.total.value must be a whole number >= 0' } });
    const otherAgent = await post(c.url, agent, { ...message(agent, []), agentId: 'someone-else' });
    expect(otherAgent).toEqual({ status: 400, body: { ok: false, code: 'invalid', error: 'agentId differs from the X-AMR-Agent header' } });
    const otherCustomer = await post(c.url, agent, { ...message(agent, []), customer: 'EVIL-0002' });
    expect(otherCustomer.status).toBe(400);
    expect(otherCustomer.body.error).toMatch(/customer "EVIL-0002" differs/);
    expect(otherCustomer.body.code).toBe('wrong_customer');
    // Deeply nested JSON is the sender's fault (400, never 503 "retry later"): found before parsing.
    const deepReading = { ...reading({ serial: 'DEEP-1', readAt: new Date(), counters: { total: 1 } }), flags: '@'.repeat(1) };
    const text = JSON.stringify(message(agent, [deepReading])).replace('"flags":"@"', `"flags":${'['.repeat(50_000)}${']'.repeat(50_000)}`);
    const nested = await postRaw(c.url, agent.agentId, agent.key, gzipSync(Buffer.from(text)));
    expect(nested).toEqual({ status: 400, body: { ok: false, code: 'invalid', error: 'body is nested deeper than 32 levels' } });
    expect(await post(c.url, agent, { ...message(agent, []), protocol: 2 })).toEqual({ status: 400, body: { ok: false, code: 'invalid', error: 'protocol must be 1' } });
    expect([await count(c, 'messages'), await count(c, 'readings'), await count(c, 'counters')]).toEqual(before);
    expect(await c.db.get('SELECT id FROM devices WHERE serial IN (?, ?, ?)', ['HALF-1', 'HALF-2', 'DEEP-1'])).toBeUndefined();
    // Brackets inside strings are text, not nesting.
    const bracketText = message(agent, [{ ...reading({ serial: 'DEEP-2', readAt: new Date(), counters: { total: 1 } }), error: '[{\\"'.repeat(100) }]);
    expect((await post(c.url, agent, bracketText)).status).toBe(200);
  });

  it('rolls back a message whose storage fails half-way', async () => {
    const before = [await count(c, 'messages'), await count(c, 'readings'), await count(c, 'devices')];
    const good = { readAt: new Date().toISOString(), ok: true, error: null, reason: 'pages', identity: { serial: 'TX-1', mac: null, vendor: 'HP', model: null, firmware: null, ip: null, hostname: null, location: null, sysObjectID: null }, status: { device: null, printer: null, errors: [] }, counters: { total: { value: 1, unit: null } }, extraCounters: {}, supplies: [], alerts: [], raw: {} };
    // The validator never lets a null counter through; the database refuses it, after the first reading was written.
    const bad = { ...good, identity: { ...good.identity, serial: 'TX-2' }, counters: { total: { value: null as unknown as number, unit: null } } };
    await expect(ingest(c.db, { protocol: 1, type: 'readings', messageId: 'tx-rollback-1', agentId: 'frontdesk-pc', customer: 'ACME-0001', agentVersion: 'x', createdAt: good.readAt, readings: [good, bad] })).rejects.toThrow();
    expect([await count(c, 'messages'), await count(c, 'readings'), await count(c, 'devices')]).toEqual(before);
  });

  it('logs every rejection without the agent key', async () => {
    const text = logs.join('\n');
    for (const what of ['reject 401 bad signature', 'reject 401 stale timestamp', 'reject 401 unknown agent', 'reject 413 too large', 'reject 400 body is not JSON']) {
      expect(text).toContain(what);
    }
    expect(text).not.toContain(agent.key);
  });

  it('serves many agents sending at once without losing or doubling a message', async () => {
    const agents = await Promise.all(Array.from({ length: 8 }, (_, i) => c.enroll('BULK-0001', `bulk-${i}`)));
    const msgs = agents.flatMap((e) => Array.from({ length: 5 }, (_, j) => ({ e, m: message({ ...e, customer: 'BULK-0001' }, [reading({ serial: `BULK-${e.agentId}`, readAt: new Date(Date.now() - j * 60_000), counters: { total: 100 + j } })]) })));
    // Every message twice, all at once.
    const replies = await Promise.all([...msgs, ...msgs].map(({ e, m }) => post(c.url, { ...e, customer: 'BULK-0001' }, m)));
    expect(replies.every((r) => r.status === 200 && r.body.ok)).toBe(true);
    expect(replies.filter((r) => r.body.duplicate === false)).toHaveLength(msgs.length);
    const n = await c.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM readings WHERE customer = 'BULK-0001'`);
    expect(Number(n!.n)).toBe(msgs.length);
    expect(Number((await c.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM devices WHERE customer = 'BULK-0001'`))!.n)).toBe(8);
  });
});
