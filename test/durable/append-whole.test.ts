/**
 * The line logs (communication journal, run log, amr.log) on a real full disk (a small
 * tmpfs): an append the disk cuts short must not leave half a line, which would swallow the
 * first line appended after space is freed (found by bench/torture's full-disk phase: the
 * next run's record lost, so `amr status` showed an older run). Each log is brought to 4,000
 * bytes, so the next line crosses into a page the full disk does not have.
 */
import { appendFileSync, readFileSync, rmSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appendWhole } from '../../src/durable-file.js';
import { Journal, readJournal } from '../../src/transport/journal.js';
import { appendRunRecord, readRunRecords, type RunRecord } from '../../src/schedule/run-log.js';
import { logPath, openAgentLog } from '../../src/schedule/agent-log.js';
import { mountTmpfs, type SmallDisk } from '../helpers/tmpfs.js';

let disk: SmallDisk;
beforeAll(() => { disk = mountTmpfs(64); });
afterAll(() => disk?.unmount());
afterEach(() => {
  disk.unfill();
  for (const f of readdirSync(disk.path)) rmSync(join(disk.path, f), { recursive: true, force: true });
});

/** A JSON line padded with spaces (still valid JSON) to exactly `bytes` bytes. */
const padded = (value: unknown, bytes: number) => {
  const json = JSON.stringify(value);
  return json + ' '.repeat(bytes - 1 - Buffer.byteLength(json)) + '\n';
};
const quietly = <T>(f: () => T): T => {
  const write = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try { return f(); } finally { process.stderr.write = write; }
};

function record(n: number): RunRecord {
  return {
    startedAt: `2026-12-07T10:0${n}:00.000Z`, finishedAt: `2026-12-07T10:0${n}:30.000Z`, exitCode: 0, outcome: 'ok', rediscovered: false,
    devices: 20, read: 20, unreachable: [], unread: 0, sent: { pages: n }, messages: 1, delivered: 1, undelivered: 0, notes: [`run ${n} ${'x'.repeat(200)}`],
  };
}

describe('a line log on a full disk', () => {
  it('the journal: the entry the disk refused is absent, the next one after space is freed is read back', () => {
    const dir = join(disk.path, 'journal');
    const journal = new Journal(dir);
    const entry = (n: number) => ({ channel: 'spool' as const, server: null, proxy: null, type: 'readings', messageIds: [`m-${n}`], bytes: 0, result: 'spooled' as const, latencyMs: null, error: `entry ${n} ${'y'.repeat(200)}` });
    journal.write(entry(1));
    appendFileSync(join(dir, 'journal.jsonl'), padded({ ...entry(2), time: new Date().toISOString() }, 4000 - readFileSync(join(dir, 'journal.jsonl')).length));
    disk.fill();
    quietly(() => journal.write(entry(3))); // the disk takes part of it, then refuses
    disk.unfill();
    journal.write(entry(4));
    expect(readJournal(dir, {}, 0).map((e) => e.messageIds[0])).toEqual(['m-1', 'm-2', 'm-4']);
    expect(readFileSync(join(dir, 'journal.jsonl'), 'utf8').endsWith('\n')).toBe(true);
  });

  it('the run log: the run after the disk was freed is the last run amr status shows', () => {
    const file = join(disk.path, 'journal', 'runs.jsonl');
    appendRunRecord(disk.path, record(1));
    appendFileSync(file, padded(record(2), 4000 - readFileSync(file).length));
    disk.fill();
    quietly(() => appendRunRecord(disk.path, record(3)));
    disk.unfill();
    appendRunRecord(disk.path, record(4));
    expect(readRunRecords(disk.path).map((r) => r.sent.pages)).toEqual([1, 2, 4]);
    expect(readRunRecords(disk.path, 1)[0]!.startedAt).toBe(record(4).startedAt);
  });

  it('amr.log: whole lines only, the next line after space is freed is intact', () => {
    appendFileSync(logPath(disk.path), `${'z'.repeat(3999)}\n`);
    disk.fill();
    quietly(() => openAgentLog(disk.path, 'info').info(`refused ${'w'.repeat(300)}`));
    disk.unfill();
    openAgentLog(disk.path, 'info').info('after the disk was freed');
    const lines = readFileSync(logPath(disk.path), 'utf8').split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z INFO  after the disk was freed$/);
  });

  it('appendWhole itself: a refused append leaves the file as it was', () => {
    const file = join(disk.path, 'log');
    appendFileSync(file, 'a'.repeat(4000));
    disk.fill();
    expect(() => appendWhole(file, 'b'.repeat(500))).toThrow(/ENOSPC/);
    expect(readFileSync(file, 'utf8')).toBe('a'.repeat(4000));
  });
});
