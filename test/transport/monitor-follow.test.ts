/** `amr monitor --follow`: the real CLI shows journal entries written after it started. */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { Journal, journalDir, type JournalEntry } from '../../src/transport/journal.js';
import { configFile } from './helpers/config.js';
import { amr, buildDist } from './helpers/cli.js';

beforeAll(() => buildDist(), 60_000);

function entry(channel: JournalEntry['channel'], server: string, result: JournalEntry['result'], error: string | null = null): Omit<JournalEntry, 'time'> {
  return { channel, server, proxy: null, type: 'readings', messageIds: ['0123456789abcdef'], bytes: 321, result, latencyMs: 12, error };
}

async function until(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('follows new entries (with the filter) until SIGTERM, then exits 0', async () => {
  const { data, file } = configFile({ server: { urls: 'https://127.77.3.60:9/amr' } });
  const journal = new Journal(journalDir(data)); // the transport's own writer
  journal.write(entry('udp', '127.77.3.60:41001', 'ok'));

  const run = amr(['monitor', '-f', '--channel', 'udp', '-c', file]);
  let stdout = '';
  run.child.stdout!.on('data', (c) => { stdout += String(c); });
  try {
    // The entry from before the start is shown first: the child is up and following.
    await until('the existing entry', () => stdout.includes('127.77.3.60:41001'));

    journal.write(entry('https', 'https://127.77.3.60:9/amr', 'error', 'connection refused'));
    journal.write(entry('udp', '127.77.3.60:41002', 'error', 'no acknowledgement after 3 tries'));
    await until('the appended udp entry', () => stdout.includes('127.77.3.60:41002'));
    expect(stdout).toMatch(/udp\s+error\s+127\.77\.3\.60:41002\s+readings\s+msg 01234567\s+321 B\s+12 ms\n {4}no acknowledgement after 3 tries/);
    expect(stdout).not.toContain('https://127.77.3.60:9/amr'); // filtered out by --channel udp

    // A line written in two pieces (a crash or a slow writer) shows once it is complete.
    const half = JSON.stringify({ ...entry('udp', '127.77.3.60:41003', 'ok'), time: new Date().toISOString() });
    appendFileSync(join(journalDir(data), 'journal.jsonl'), half.slice(0, 40));
    await new Promise((r) => setTimeout(r, 700)); // more than two polls of the follower
    expect(stdout).not.toContain('41003');
    appendFileSync(join(journalDir(data), 'journal.jsonl'), half.slice(40) + '\n');
    await until('the completed line', () => stdout.includes('127.77.3.60:41003'));
  } finally {
    run.child.kill('SIGTERM');
  }
  const r = await run.done;
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
}, 60_000);
