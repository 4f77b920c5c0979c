/** The spool on a real file system: durability, quarantine, give-way policy, locking; and journal rotation. */
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { spoolMessage } from '../../src/transport/deliver.js';
import { Journal, readJournal } from '../../src/transport/journal.js';
import { Spool } from '../../src/transport/spool.js';
import { makeConfig, tempData } from './helpers/config.js';
import { sampleReading } from './helpers/readings.js';

function setup() {
  const data = tempData();
  const config = makeConfig({ server: { urls: 'https://127.77.5.1:1/amr' } }, data);
  const journal = new Journal(join(data, 'journal'));
  return { data, config, journal, spool: new Spool(join(data, 'spool'), journal) };
}

describe('spool', () => {
  test('a spooled message is a complete file on disk, readable back, in send order (alerts first)', () => {
    const { config, spool } = setup();
    const [r] = spoolMessage(config, 'readings', [sampleReading()]);
    const [h] = spoolMessage(config, 'heartbeat', [sampleReading()]);
    const [a] = spoolMessage(config, 'alert', [sampleReading()]);
    const list = spool.list();
    expect(list.map((e) => e.message.messageId)).toEqual([a!.messageId, r!.messageId, h!.messageId]);
    expect(JSON.parse(readFileSync(list[1]!.path, 'utf8'))).toEqual(r);
  });

  test('a corrupted file is quarantined with a message, never crashes; the rest still list', () => {
    const { config, spool, data } = setup();
    const [good] = spoolMessage(config, 'readings', [sampleReading()]);
    writeFileSync(join(spool.dir, '1-00000000000001-broken.json'), '{"protocol":1,"type":"readi');
    writeFileSync(join(spool.dir, '1-00000000000002-wrongver.json'), JSON.stringify({ ...good, protocol: 9 }));
    const list = spool.list();
    expect(list.map((e) => e.message.messageId)).toEqual([good!.messageId]);
    expect(readdirSync(spool.quarantineDir).sort()).toEqual(['1-00000000000001-broken.json', '1-00000000000002-wrongver.json']);
    const q = readJournal(join(data, 'journal'), { result: 'quarantined' });
    expect(q).toHaveLength(2);
    expect(q[1]!.error).toMatch(/protocol is 9, expected 1.*moved to .*quarantine/);
  });

  test('a leftover temp file from a crash mid-write is ignored, and cleaned once old', () => {
    const { config, spool } = setup();
    spoolMessage(config, 'readings', [sampleReading()]);
    const tmp = join(spool.dir, '.tmp-123-456-abc');
    writeFileSync(tmp, '{"half":');
    expect(spool.list()).toHaveLength(1);
    expect(existsSync(tmp)).toBe(true);
    utimesSync(tmp, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    expect(spool.list()).toHaveLength(1);
    expect(existsSync(tmp)).toBe(false);
  });

  test('max_mb: heartbeats give way first, then alerts, billing readings last; each drop journaled', () => {
    const { config, spool, data } = setup();
    const r = spoolMessage(config, 'readings', [sampleReading(1)]);
    const h1 = spoolMessage(config, 'heartbeat', [sampleReading(2)]);
    const a = spoolMessage(config, 'alert', [sampleReading(3)]);
    const h2 = spoolMessage(config, 'heartbeat', [sampleReading(4)]);
    const size = spool.list()[0]!.bytes;
    const dropped = spool.enforceLimits(size * 2 + 10, 86_400_000);
    expect(dropped.map((e) => e.message.messageId)).toEqual([h1[0]!.messageId, h2[0]!.messageId]);
    expect(spool.list().map((e) => e.message.messageId).sort()).toEqual([a[0]!.messageId, r[0]!.messageId].sort());
    const more = spool.enforceLimits(size + 10, 86_400_000);
    expect(more.map((e) => e.message.type)).toEqual(['alert']);
    const j = readJournal(join(data, 'journal'), { result: 'dropped' });
    expect(j).toHaveLength(3);
    expect(j[0]!.error).toMatch(/heartbeat gives way/);
  });

  test('max_age drops old messages, journaled', () => {
    const { config, spool } = setup();
    spoolMessage(config, 'readings', [sampleReading()]);
    expect(spool.enforceLimits(1e9, 60_000, Date.now() + 120_000)).toHaveLength(1);
    expect(spool.list()).toHaveLength(0);
  });

  test('one deliverer at a time; a lock left by a dead process is taken over', () => {
    const { spool } = setup();
    const release = spool.lock()!;
    expect(release).toBeTypeOf('function');
    writeFileSync(join(spool.dir, '.lock'), String(process.ppid)); // a live process holds it
    expect(spool.lock()).toBeNull();
    writeFileSync(join(spool.dir, '.lock'), '2147483646'); // no such process
    const again = spool.lock();
    expect(again).toBeTypeOf('function');
    again!();
    expect(existsSync(join(spool.dir, '.lock'))).toBe(false);
  });
});

describe('journal', () => {
  test('rotates by size, keeps 5 files, reads across them, never holds a secret', () => {
    const data = tempData();
    const j = new Journal(join(data, 'journal'), (t) => t.split('hunter2').join('********'), 2000);
    for (let i = 0; i < 200; i++) {
      j.write({ channel: 'https', server: 'https://s1.example.net/amr', proxy: null, type: 'readings', messageIds: [`m-${i}`], bytes: 700, result: i % 2 ? 'ok' : 'error', latencyMs: 12, error: i % 2 ? null : 'proxy password hunter2 rejected' });
    }
    const files = readdirSync(join(data, 'journal')).sort();
    expect(files).toEqual(['journal.1.jsonl', 'journal.2.jsonl', 'journal.3.jsonl', 'journal.4.jsonl', 'journal.jsonl']);
    const all = readJournal(join(data, 'journal'), {}, 0);
    expect(all.length).toBeGreaterThan(20);
    expect(all.length).toBeLessThan(200);
    expect(all.at(-1)!.messageIds).toEqual(['m-199']);
    expect(readJournal(join(data, 'journal'), { errorsOnly: true }, 3).map((e) => e.messageIds[0])).toEqual(['m-194', 'm-196', 'm-198']);
    for (const f of files) expect(readFileSync(join(data, 'journal', f), 'utf8')).not.toContain('hunter2');
  });
});
