import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decide, deviceKey, emptyState, type DecideOptions, type SendState } from '../../src/schedule/decide.js';
import { loadState, saveState, STATE_FILE } from '../../src/schedule/state.js';
import { emptyReading, type Reading } from '../../src/reading/types.js';
import { tempDir } from './helpers.js';

const HOUR = 3_600_000;
const T0 = new Date('2026-03-10T08:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const opts = (now: Date, over: Partial<DecideOptions> = {}): DecideOptions =>
  ({ now, supplyDelta: 5, pageDelta: 500, heartbeatMs: 24 * HOUR, ...over });

/** A printer reading with a serial, a black toner at `toner` % and `pages` total. */
function printer(host: string, serial: string, o: { toner?: number; pages?: number; alerts?: string[]; mac?: string } = {}): Reading {
  const r = emptyReading(host);
  r.identity = { ...r.identity, ip: host, serial, vendor: 'HP', model: 'LaserJet M404', mac: o.mac ?? null };
  r.counters = { total: { value: o.pages ?? 10_000, unit: 'impressions' } };
  r.supplies = [{
    hrDeviceIndex: 1, index: 1, description: 'Black Cartridge', type: 'toner', class: 'consumed', color: 'black',
    unit: 'percent', max: 100, level: o.toner ?? 80, levelPercent: o.toner ?? 80, state: 'ok',
  }];
  r.alerts = (o.alerts ?? []).map((d, i) => ({
    index: i + 1, severity: 'warning', trainingLevel: null, group: 'markerSupplies', groupIndex: 1, location: null,
    code: 1104, codeName: 'markerTonerAlmostEmpty', description: d, timeSeconds: 100 + i,
  }));
  return r;
}

function failed(host: string): Reading {
  return { ...emptyReading(host), ok: false, error: 'no SNMP answer (timeout)' };
}

const fleet = (over: Record<string, Parameters<typeof printer>[2]> = {}) => [
  printer('10.0.0.11', 'SN-A', over['SN-A']),
  printer('10.0.0.12', 'SN-B', over['SN-B']),
  printer('10.0.0.13', 'SN-C', over['SN-C']),
];

function firstCycle(): SendState {
  return decide(emptyState(), fleet(), opts(T0)).state;
}

describe('decide', () => {
  it('first cycle sends every device as new', () => {
    const d = decide(emptyState(), fleet(), opts(T0));
    expect(d.sends.map((s) => [s.key, s.reason])).toEqual([
      ['sn:hp:SN-A', 'new'], ['sn:hp:SN-B', 'new'], ['sn:hp:SN-C', 'new'],
    ]);
    expect(Object.keys(d.state.devices)).toHaveLength(3);
    expect(d.unreachable).toEqual([]);
  });

  it('an immediate second cycle sends nothing', () => {
    const d = decide(firstCycle(), fleet(), opts(at(60_000)));
    expect(d.sends).toEqual([]);
  });

  it('a toner drop of 5 points sends only that device; 4 points does not', () => {
    const s1 = firstCycle();
    const four = decide(s1, fleet({ 'SN-B': { toner: 76 } }), opts(at(HOUR)));
    expect(four.sends).toEqual([]);
    const five = decide(four.state, fleet({ 'SN-B': { toner: 75 } }), opts(at(2 * HOUR)));
    expect(five.sends.map((s) => [s.key, s.reasons])).toEqual([['sn:hp:SN-B', ['supply']]]);
    // Measured from what was last sent: 75 is now the reference.
    expect(decide(five.state, fleet({ 'SN-B': { toner: 72 } }), opts(at(3 * HOUR))).sends).toEqual([]);
  });

  it('small moves add up against the last message, and a refill counts', () => {
    let s = firstCycle();
    for (const [i, toner] of [78, 77, 76].entries()) {
      const d = decide(s, fleet({ 'SN-A': { toner } }), opts(at((i + 1) * HOUR)));
      expect(d.sends).toEqual([]);
      s = d.state;
    }
    expect(decide(s, fleet({ 'SN-A': { toner: 75 } }), opts(at(5 * HOUR))).sends.map((x) => x.key)).toEqual(['sn:hp:SN-A']);
    expect(decide(s, fleet({ 'SN-A': { toner: 100 } }), opts(at(5 * HOUR))).sends.map((x) => x.reason)).toEqual(['supply']);
  });

  it('500 pages since the last message sends; 499 does not', () => {
    const s1 = firstCycle();
    expect(decide(s1, fleet({ 'SN-C': { pages: 10_499 } }), opts(at(HOUR))).sends).toEqual([]);
    const d = decide(s1, fleet({ 'SN-C': { pages: 10_500 } }), opts(at(HOUR)));
    expect(d.sends.map((s) => [s.key, s.reason])).toEqual([['sn:hp:SN-C', 'pages']]);
    expect(d.state.devices['sn:hp:SN-C']!.pages).toBe(10_500);
  });

  it('an alert that appears sends, the same alert again does not, its clearing sends', () => {
    const s1 = firstCycle();
    const raised = decide(s1, fleet({ 'SN-A': { alerts: ['Toner low'] } }), opts(at(HOUR)));
    expect(raised.sends.map((s) => [s.key, s.reason])).toEqual([['sn:hp:SN-A', 'alert']]);
    const still = decide(raised.state, fleet({ 'SN-A': { alerts: ['Toner low'] } }), opts(at(2 * HOUR)));
    expect(still.sends).toEqual([]);
    const cleared = decide(still.state, fleet(), opts(at(3 * HOUR)));
    expect(cleared.sends.map((s) => [s.key, s.reason])).toEqual([['sn:hp:SN-A', 'alert']]);
  });

  it('one heartbeat per device after 24 h without a message, with slack for the run interval', () => {
    const s1 = firstCycle();
    expect(decide(s1, fleet(), opts(at(23 * HOUR))).sends).toEqual([]);
    const hb = decide(s1, fleet(), opts(at(24 * HOUR)));
    expect(hb.sends.map((s) => s.reason)).toEqual(['heartbeat', 'heartbeat', 'heartbeat']);
    expect(decide(hb.state, fleet(), opts(at(25 * HOUR))).sends).toEqual([]);
    // A run every 4 h: 22 h after is close enough with 2 h slack.
    expect(decide(s1, fleet(), opts(at(22 * HOUR), { heartbeatSlackMs: 2 * HOUR })).sends).toHaveLength(3);
  });

  it('a device that stops answering is sent missing once, with its identity; then new when back', () => {
    const s1 = firstCycle();
    const readings = [printer('10.0.0.11', 'SN-A'), failed('10.0.0.12'), printer('10.0.0.13', 'SN-C')];
    const m = decide(s1, readings, opts(at(HOUR)));
    expect(m.unreachable).toEqual(['10.0.0.12']);
    expect(m.sends).toHaveLength(1);
    expect(m.sends[0]!.reason).toBe('missing');
    expect(m.sends[0]!.key).toBe('sn:hp:SN-B');
    expect(m.sends[0]!.reading.ok).toBe(false);
    expect(m.sends[0]!.reading.identity.serial).toBe('SN-B');
    const again = decide(m.state, readings, opts(at(2 * HOUR)));
    expect(again.sends).toEqual([]);
    expect(again.unreachable).toEqual(['10.0.0.12']);
    const back = decide(again.state, fleet(), opts(at(3 * HOUR)));
    expect(back.sends.map((s) => [s.key, s.reason])).toEqual([['sn:hp:SN-B', 'new']]);
  });

  it('missing waits for missing_after: a printer off for the night is not reported', () => {
    const s1 = firstCycle();
    const readings = [printer('10.0.0.11', 'SN-A'), failed('10.0.0.12'), printer('10.0.0.13', 'SN-C')];
    expect(decide(s1, readings, opts(at(8 * HOUR), { missingAfterMs: 24 * HOUR })).sends).toEqual([]);
    expect(decide(s1, readings, opts(at(24 * HOUR), { missingAfterMs: 24 * HOUR })).sends.find((s) => s.key === 'sn:hp:SN-B')?.reason).toBe('missing');
  });

  it('identity is serial, not address: a new address is "moved", not a new device', () => {
    const s1 = firstCycle();
    const moved = [printer('10.0.0.11', 'SN-A'), printer('10.0.0.99', 'SN-B'), printer('10.0.0.13', 'SN-C')];
    const d = decide(s1, moved, opts(at(HOUR)));
    expect(d.sends.map((s) => [s.key, s.reason])).toEqual([['sn:hp:SN-B', 'moved']]);
    expect(d.state.devices['sn:hp:SN-B']!.host).toBe('10.0.0.99');
    expect(Object.keys(d.state.devices)).toHaveLength(3);
  });

  it('keys: serial with vendor, else MAC, else address; a serial learnt later keeps the device', () => {
    const noSerial = printer('10.0.0.20', '', { mac: '00:11:22:AA:BB:CC' });
    expect(deviceKey(noSerial)).toBe('mac:00:11:22:aa:bb:cc');
    const bare = emptyReading('10.0.0.21');
    expect(deviceKey(bare)).toBe('ip:10.0.0.21');
    const s1 = decide(emptyState(), [noSerial], opts(T0)).state;
    const withSerial = printer('10.0.0.20', 'SN-Z', { mac: '00:11:22:aa:bb:cc' });
    const d = decide(s1, [withSerial], opts(at(HOUR)));
    expect(d.sends).toEqual([]);
    expect(Object.keys(d.state.devices)).toEqual(['sn:hp:SN-Z']);
  });

  it('the same device reached at two addresses is sent once', () => {
    const d = decide(emptyState(), [printer('10.0.0.11', 'SN-A'), printer('10.0.1.11', 'SN-A')], opts(T0));
    expect(d.sends).toHaveLength(1);
    expect(d.sends[0]!.reading.host).toBe('10.0.0.11');
  });

  it('devices not read this run (time budget spent) are left as they were', () => {
    const s1 = firstCycle();
    const d = decide(s1, [printer('10.0.0.11', 'SN-A')], opts(at(HOUR)));
    expect(d.sends).toEqual([]);
    expect(d.unreachable).toEqual([]);
    expect(d.state.devices['sn:hp:SN-B']).toEqual(s1.devices['sn:hp:SN-B']);
  });

  it('does not modify the state it is given', () => {
    const s1 = firstCycle();
    const copy = structuredClone(s1);
    decide(s1, fleet({ 'SN-A': { toner: 10, pages: 99_999, alerts: ['x'] } }), opts(at(HOUR)));
    expect(s1).toEqual(copy);
  });
});

describe('state file', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('round-trips and leaves no temp file', () => {
    const s1 = firstCycle();
    saveState(tmp.path, s1);
    expect(loadState(tmp.path)).toEqual({ state: s1, warning: null });
    expect(readdirSync(tmp.path)).toEqual([STATE_FILE]);
  });

  it('a missing file is an empty state; a corrupt one is set aside with a warning', () => {
    const dir = join(tmp.path, 'x');
    expect(loadState(dir)).toEqual({ state: emptyState(), warning: null });
    saveState(dir, firstCycle());
    writeFileSync(join(dir, STATE_FILE), '{"version":1,"devi');
    const r = loadState(dir, T0);
    expect(r.state).toEqual(emptyState());
    expect(r.warning).toMatch(/unreadable.*every device is sent afresh/);
    const aside = readdirSync(dir).find((f) => f.startsWith(`${STATE_FILE}.bad-`))!;
    expect(readFileSync(join(dir, aside), 'utf8')).toBe('{"version":1,"devi');
  });
});
