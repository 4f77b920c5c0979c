/**
 * Issue 13 item 10 and 16: what `amr read` prints is inert and readable. A simulated
 * printer (konica_c250i recording) is given hostile text: CR/LF forging a line, C1 CSI
 * (U+009B, an 8-bit escape some terminals obey), a bidi override, a 300-character
 * supply name, a low toner and sleep/power-saver rows in prtAlertTable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import type { Varbind } from '../../src/snmp/types.js';
import { COL, SYS } from '../../src/reading/oids.js';
import { amr } from '../helpers/cli.js';
import { loadRecording } from '../helpers/fixtures.js';

const PORT = 16171;
const HOST = '127.0.27.1';
/** Any character a terminal acts on: C0 but LF (the output's own line breaks), DEL, C1, bidi, separators. */
// eslint-disable-next-line no-control-regex
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

function hostile(): Varbind[] {
  const vbs = loadRecording('printers', 'konica_c250i').map((vb) => ({ ...vb }));
  const set = (oid: string, value: Buffer | number, type: Varbind['type'] = Buffer.isBuffer(value) ? 'OctetString' : 'Integer') => {
    const i = vbs.findIndex((v) => v.oid === oid);
    if (i >= 0) vbs[i] = { oid, type, value };
    else vbs.push({ oid, type, value });
  };
  set(SYS.location, Buffer.from('Room 1\r\nserial     FAKE-SERIAL \u009b2J\u202eevil', 'utf8'));
  set(`${COL.prtMarkerSuppliesDescription}.1.1`, Buffer.from(`Toner ${'X'.repeat(300)}`));
  // Toner 1 at 5 of 100: low.
  set(`${COL.prtMarkerSuppliesMaxCapacity}.1.1`, 100);
  set(`${COL.prtMarkerSuppliesLevel}.1.1`, 5);
  // prtAlertTable: a sleep notice (code other), a power saver (code 23) and a real jam (code 8).
  const alert = (i: number, severity: number, code: number, text: string) => {
    set(`${COL.prtAlertSeverityLevel}.1.${i}`, severity);
    set(`${COL.prtAlertGroup}.1.${i}`, 5);
    set(`${COL.prtAlertCode}.1.${i}`, code);
    set(`${COL.prtAlertDescription}.1.${i}`, Buffer.from(text));
  };
  alert(90, 1, 1, 'Sleep mode');
  alert(91, 1, 23, 'Energy Saver');
  alert(92, 3, 8, 'Paper jam in tray 2');
  return vbs;
}

let sim: Simulator;
beforeAll(async () => { sim = await startSimulator({ devices: [{ address: HOST, port: PORT, varbinds: hostile() }] }); });
afterAll(async () => { await sim?.stop(); });

describe('amr read output', () => {
  it('prints no raw control, C1 or bidi character from a device; shows them as escapes', async () => {
    for (const extra of [[], ['--explain'], ['--json']]) {
      const r = await amr(['read', HOST, '--port', String(PORT), '--no-web', ...extra]);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(ACTIVE);
      expect(r.stderr).not.toMatch(ACTIVE);
    }
    const r = await amr(['read', HOST, '--port', String(PORT), '--no-web']);
    // The forged line stays on the location line, visibly escaped.
    expect(r.stdout).toContain('location   Room 1\\x0d\\x0aserial     FAKE-SERIAL \\x9b2J\\u202eevil');
    expect(r.stdout.split('\n').filter((l) => l.trimStart().startsWith('serial'))).toHaveLength(1);
  });

  it('JSON output parses to the device\'s exact text', async () => {
    const r = await amr(['read', HOST, '--port', String(PORT), '--no-web', '--json']);
    expect(JSON.parse(r.stdout).identity.location).toBe('Room 1\r\nserial     FAKE-SERIAL \u009b2J\u202eevil');
  });

  it('marks a low supply in words, not only in colour, with and without colour', async () => {
    for (const env of [{}, { NO_COLOR: '', FORCE_COLOR: '1' }]) {
      const r = await amr(['read', HOST, '--port', String(PORT), '--no-web'], env);
      const line = r.stdout.split('\n').find((l) => l.includes('Toner XXX'))!;
      expect(line.replace(/\u001b\[[\d;]*m/g, '')).toMatch(/5%\s+! LOW$/);
    }
  });

  it('honours FORCE_COLOR on a pipe and NO_COLOR otherwise', async () => {
    const forced = await amr(['read', HOST, '--port', String(PORT), '--no-web'], { NO_COLOR: '', FORCE_COLOR: '1' });
    expect(forced.stdout).toMatch(/\u001b\[\d+m/);
    const plain = await amr(['read', HOST, '--port', String(PORT), '--no-web']);
    expect(plain.stdout).not.toMatch(/\u001b\[/);
  });

  it('keeps columns aligned when a supply name is very long', async () => {
    const r = await amr(['read', HOST, '--port', String(PORT), '--no-web']);
    const lines = r.stdout.split('\n');
    const start = lines.indexOf('  supplies');
    const rows = lines.slice(start + 1).filter((l) => l.startsWith('    ') && /%|remaining|unknown/.test(l));
    expect(rows.length).toBeGreaterThan(2);
    const column = rows.map((l) => l.search(/[█░]|some remaining|level unknown/));
    expect(new Set(column).size).toBe(1);
    expect(rows[0]).toContain('…');
  });

  it('shows a jam as a critical alert and sleep / power saver rows as notices, not alerts', async () => {
    const r = await amr(['read', HOST, '--port', String(PORT), '--no-web']);
    const alerts = r.stdout.slice(r.stdout.indexOf('  alerts'));
    expect(alerts).toMatch(/critical\s+Paper jam in tray 2/);
    expect(alerts).not.toMatch(/^\s+(other|info|warning)\s+(Sleep mode|Energy Saver)/m);
    expect(r.stdout).toMatch(/notices\s+.*Sleep mode \| Energy Saver/);
    const json = JSON.parse((await amr(['read', HOST, '--port', String(PORT), '--no-web', '--json'])).stdout);
    expect(json.alerts.map((a: { description: string }) => a.description)).not.toContain('Sleep mode');
    expect(json.alerts.find((a: { description: string }) => a.description === 'Paper jam in tray 2')).toMatchObject({ severity: 'critical', rfcSeverity: 'critical' });
    expect(json.notices.map((a: { description: string }) => a.description)).toEqual(['Sleep mode', 'Energy Saver']);
  });

  it('labels scan counts as scans', async () => {
    const r = await amr(['read', HOST, '--port', String(PORT), '--no-web', '--json']);
    const json = JSON.parse(r.stdout);
    expect(json.counters.scan.unit).toBe('scans');
  });

  it('rejects an invalid dotted quad as a usage error without sending anything', async () => {
    for (const bad of ['999.1.1.1', '10.1.1', '1.2.3.4.5']) {
      const r = await amr(['read', bad, '--port', String(PORT)]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`"${bad}" is not a valid IPv4 address`);
    }
  });
});
