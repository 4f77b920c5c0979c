/** The real CLI: kill -9 during a send, `amr send` exit codes, `amr send --dry-run`, `amr monitor`. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spoolMessage } from '../../src/transport/deliver.js';
import { makePki, type Pki } from './helpers/pki.js';
import { AGENT_ID, AGENT_KEY, configFile } from './helpers/config.js';
import { startCollector, type Collector } from './helpers/collector.js';
import { sampleReading } from './helpers/readings.js';
import { amr, buildDist } from './helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const HOST = '127.77.3.10';
let pki: Pki;
const servers: Collector[] = [];

beforeAll(() => {
  buildDist();
  pki = makePki(tempDir('amr-pki-'), HOST);
}, 60_000);
afterAll(async () => { await Promise.all(servers.map((s) => s.close())); });

async function collector(opts: Partial<Parameters<typeof startCollector>[0]> = {}): Promise<Collector> {
  const c = await startCollector({ host: HOST, key: AGENT_KEY, agentId: AGENT_ID, tls: pki.good, ...opts });
  servers.push(c);
  return c;
}

function setup(urls: string[], extra: Record<string, Record<string, string | number | boolean>> = {}) {
  return configFile({ ...extra, server: { urls: urls.join(', '), ca_file: pki.caFile, timeout: '2s', ...(extra.server ?? {}) } });
}

const spooled = (data: string) => existsSync(join(data, 'spool')) ? readdirSync(join(data, 'spool')).filter((f) => /^\d-.*\.json$/.test(f)) : [];

describe('kill -9 of amr send mid-send', () => {
  test.each([
    ['after the server stored the message, before the agent saw the ack', 'ok' as const, true],
    ['before the server stored anything', 'status500' as const, false],
  ])('%s: nothing lost, nothing doubled', async (_name, modeAtKill, duplicateExpected) => {
    let victim: ReturnType<typeof amr>['child'] | null = null;
    const server = await collector({ onPost: () => { if (victim && victim.exitCode === null) victim.kill('SIGKILL'); } });
    server.mode = modeAtKill;
    const { data, file, config } = setup([server.url]);
    const [m] = spoolMessage(config, 'readings', [sampleReading()]);
    const run = amr(['send', '-c', file]);
    victim = run.child;
    const r = await run.done;
    expect(r.signal).toBe('SIGKILL');
    expect(spooled(data)).toHaveLength(1); // nothing lost: the message waits in the spool
    expect(server.stored.size).toBe(duplicateExpected ? 1 : 0);

    victim = null;
    server.mode = 'ok';
    const again = await amr(['send', '-c', file]).done;
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(duplicateExpected ? /delivered 1 message\(s\) \(1 already at the collector\); 0 left/ : /delivered 1 message\(s\); 0 left/);
    expect(server.stored.size).toBe(1); // nothing doubled
    expect(server.stored.has(m!.messageId)).toBe(true);
    expect(spooled(data)).toHaveLength(0);
  });
});

describe('amr send', () => {
  test('server down: exit 1, message kept, hint to --dry-run', async () => {
    const { data, file, config } = setup([`https://${HOST}:2/amr`]);
    spoolMessage(config, 'readings', [sampleReading()]);
    const r = await amr(['send', '-c', file]).done;
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('delivered 0 message(s); 1 left in the spool; 1 failed');
    expect(r.stdout).toContain('connection refused');
    expect(spooled(data)).toHaveLength(1);
  });

  test('missing agent_key: one clear line, exit 2', async () => {
    const { file } = setup([`https://${HOST}:2/amr`], { server: { agent_key: '' } });
    const r = await amr(['send', '-c', file]).done;
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/\[server\] agent_key is not set/);
  });

  test('--dry-run: the report for IT first, a spool summary, the messages only with --all (secrets hidden); nothing sent', async () => {
    const server = await collector();
    const { data, file, config } = setup([server.url], { snmp: { communities: 'c0mmunity-s3cret' }, proxy: { url: 'none', user: 'bob', password: 'pr0xy-pw' } });
    const [m] = spoolMessage(config, 'readings', [sampleReading()]);
    const r = await amr(['send', '--dry-run', '-c', file]).done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Report: the primary channel (HTTPS) works');
    expect(r.stdout).toMatch(/readings: 1 message\(s\), 1 reading\(s\), \d+ bytes, oldest /);
    expect(r.stdout).not.toContain('"serial"');
    expect(r.stdout).not.toContain('amr read --send');
    const all = await amr(['send', '--dry-run', '--all', '-c', file]).done;
    expect(all.stdout).toContain(m!.messageId);
    expect(all.stdout).toContain('"serial": "E700000001"');
    for (const s of [AGENT_KEY, 'c0mmunity-s3cret', 'pr0xy-pw']) expect(all.stdout).not.toContain(s);
    expect(r.stdout).toMatch(/ok\s+tls\s+certificate for good/);
    expect(r.stdout).toMatch(/ok\s+http\s+collector answered and accepted the agent key/);
    expect(r.stdout).toContain('the primary channel (HTTPS) works');
    for (const s of [AGENT_KEY, 'c0mmunity-s3cret', 'pr0xy-pw']) expect(r.stdout).not.toContain(s);
    expect(server.stored.size).toBe(0);
    expect(spooled(data)).toHaveLength(1);
  });

  test('--dry-run: refused port gives an IT action and exit 1', async () => {
    const { file } = setup([`https://${HOST}:3/amr`]);
    const r = await amr(['send', '--dry-run', '-c', file]).done;
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`allow outbound TCP 3 to ${HOST}`);
    expect(r.stdout).toContain('does not work from this PC');
  });
});

describe('amr monitor', () => {
  test('shows attempts, filters, no colour when NO_COLOR or not a TTY, --json', async () => {
    const server = await collector();
    const { file, config } = setup([`https://${HOST}:4/amr`, server.url]);
    const [m] = spoolMessage(config, 'readings', [sampleReading()]);
    expect((await amr(['send', '-c', file]).done).code).toBe(0);
    const all = await amr(['monitor', '-c', file]).done;
    expect(all.code).toBe(0);
    expect(all.stdout).not.toMatch(/\x1b\[/);
    const lines = all.stdout.split('\n').filter((l) => /^\d{4}-/.test(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/spool\s+spooled/);
    expect(lines[1]).toMatch(new RegExp(`https\\s+error\\s+https://${HOST}:4/amr.*msg ${m!.messageId.slice(0, 8)}`));
    expect(lines[2]).toMatch(/https\s+ok\s+.*\d+ B\s+\d+ ms\s+HTTP 200/);
    const errors = await amr(['monitor', '-c', file, '--errors', '--json']).done;
    const parsed = errors.stdout.trim().split('\n').map((l) => JSON.parse(l) as { result: string; error: string });
    expect(parsed).toHaveLength(1);
    expect(parsed[0]!.error).toMatch(/refused/);
    const none = await amr(['monitor', '-c', file, '--channel', 'udp']).done;
    expect(none.stderr).toContain('no matching journal entries');
    const bad = await amr(['monitor', '-c', file, '--since', 'yesterday']).done;
    expect(bad.code).toBe(2);
  });
});
