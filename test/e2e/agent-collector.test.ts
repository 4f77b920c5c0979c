/**
 * End to end, all real parts on loopback: the simulator serves printers, the collector
 * (its own package, SQLite) enrols an agent, `amr run` (the real CLI) discovers, reads,
 * spools and delivers; the printers print; the next run sends only what changed; the
 * dealer's meter reads bill exactly the pages printed. A forged or replayed message is refused.
 */
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amr } from '../helpers/cli.js';
import { startFleet, type Fleet } from '../helpers/fleet.js';
import { tempDir } from '../helpers/tmp.js';

// The collector is a separate package; its build is made by `npm test` (scripts/ensure-collector.mjs).
const collectorModule = '../../collector/dist/index.js';
type CollectorApi = typeof import('../../collector/dist/index.js');

const PORT = 16166;
const TOTAL = '1.3.6.1.2.1.43.10.2.1.4.1.1';
let fleet: Fleet;
let api: CollectorApi;
let collector: Awaited<ReturnType<CollectorApi['startCollector']>>;
let config: string;
let key: string;
const work = tempDir('amr-e2e-');

beforeAll(async () => {
  api = (await import(collectorModule)) as CollectorApi;
  fleet = await startFleet('127.0.28', PORT, ['konica_c250i', 'pm_kyocera_p2040', 'sharp_mxm266nv', 'ricoh_mpc3002']);
  collector = await api.startCollector({ db: `sqlite:${join(work, 'collector.db')}`, port: 0, host: '127.0.0.1', log: false });
  const enrolment = await collector.enroll('E2E-0001', 'e2e-pc');
  key = enrolment.key;
  config = join(work, 'config.ini');
  writeFileSync(config, [
    '[agent]', 'customer = E2E-0001', 'id = e2e-pc', `data_dir = ${join(work, 'agent')}`,
    '[server]', `urls = ${collector.url}`, `agent_key = ${key}`, 'allow_http = true', 'tcp_port = 0', 'udp_ports =',
    '[proxy]', 'url = none',
    '[snmp]', `port = ${PORT}`, 'timeout = 1s', 'retries = 1',
    '[discovery]', 'targets = 127.0.28.1-127.0.28.6', 'rate = 0', 'timeout = 500ms', 'retries = 0',
    '[web]', 'enabled = false',
  ].join('\n') + '\n');
}, 120_000);

afterAll(async () => {
  await fleet?.sim.stop();
  await collector?.stop();
});

describe('agent to collector', () => {
  const started = new Date(Date.now() - 60_000).toISOString();

  it('the first run discovers and delivers every printer', async () => {
    const r = await amr(['run', '--config', config, '--json'], {}, 60_000);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.rediscovered).toBe(true);
    expect(report.sends).toHaveLength(4);
    expect(report.delivery.delivered).toBeGreaterThan(0);
    const f = await api.fleet(collector.db);
    expect(f.devices.map((d) => d.serial).sort()).toEqual(['0505571100', 'AA2M021115700', 'VD21457943', 'W492KB03439']);
    expect(f.agents[0]?.agentId).toBe('e2e-pc');
  }, 60_000);

  it('a second run right away sends nothing; pages printed are billed exactly', async () => {
    const again = await amr(['run', '--config', config, '--json'], {}, 60_000);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).sends).toEqual([]);

    const konica = fleet.address.get('konica_c250i')!;
    fleet.sim.setValue(konica, TOTAL, { type: 'Counter32', value: 33810 + 640 }, PORT);
    const third = await amr(['run', '--config', config, '--json'], {}, 60_000);
    expect(third.code).toBe(0);
    const sends = JSON.parse(third.stdout).sends;
    expect(sends).toHaveLength(1);
    expect(sends[0].reason).toBe('pages');

    const report = await api.meters(collector.db, { from: started, to: new Date(Date.now() + 1000).toISOString() });
    const row = report.rows.find((x) => x.serial === 'AA2M021115700' && x.counter === 'total');
    expect(row?.pages).toBe(640);
    expect(row?.estimated).toBe(false);
  }, 120_000);

  it('a total lower than the dealer last heard (board swap) is flagged, not hidden', async () => {
    const konica = fleet.address.get('konica_c250i')!;
    fleet.sim.setValue(konica, TOTAL, { type: 'Counter32', value: 1200 }, PORT);
    const r = await amr(['run', '--config', config, '--json'], {}, 60_000);
    const sends = JSON.parse(r.stdout).sends;
    expect(sends).toHaveLength(1);
    expect(sends[0].host).toBe(konica);
    // What the dealer stored: the reading as sent, with the agent's flag.
    const [stored] = await collector.db.all<{ payload: string }>('SELECT payload FROM readings ORDER BY id DESC LIMIT 1');
    const reading = JSON.parse(stored!.payload);
    expect(reading.counters.total.value).toBe(1200);
    expect(reading.flags.map((f: { code: string }) => f.code)).toContain('counterDecreased');
    const backwards = await api.countersBackwards(collector.db);
    expect(JSON.stringify(backwards)).toContain('AA2M021115700');
  }, 60_000);

  it('a forged message and a replayed stale one are refused and store nothing', async () => {
    const before = (await api.fleet(collector.db)).devices.length;
    const body = gzipSync(JSON.stringify({
      protocol: 1, type: 'readings', messageId: '00000000-0000-4000-8000-000000000001', agentId: 'e2e-pc',
      customer: 'E2E-0001', agentVersion: '0.1.0', createdAt: new Date().toISOString(), readings: [],
    }));
    const post = (ts: number, secret: string) => fetch(`${collector.url}/v1/messages`, {
      method: 'POST', body,
      headers: {
        'content-type': 'application/json', 'content-encoding': 'gzip', 'x-amr-agent': 'e2e-pc', 'x-amr-timestamp': String(ts),
        'x-amr-signature': `v1=${createHmac('sha256', secret).update(`${ts}.`).update(body).digest('hex')}`,
      },
    });
    const now = Math.floor(Date.now() / 1000);
    expect((await post(now, 'not-the-key')).status).toBe(401);
    expect((await post(now - 3600, key)).status).toBe(401);
    expect((await api.fleet(collector.db)).devices.length).toBe(before);
  });
});
