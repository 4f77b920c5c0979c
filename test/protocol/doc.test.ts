/**
 * docs/protocol.md is the contract a third party implements; @amr/protocol is what
 * both of our sides run. They must say the same thing: version, limits, field names,
 * and the example message must pass the collector's checks.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  AGENT_READINGS_PER_MESSAGE, ALERT_FIELDS, IDENTITY_FIELDS, LIMITS, MAX_COMPRESSED, MAX_INFLATED, MAX_SKEW_SECONDS,
  MESSAGE_FIELDS, MESSAGE_TYPES, PROTOCOL_VERSION, READING_FIELDS, REASONS, SUPPLY_FIELDS, TCP_MAX_FRAME, UDP_MAX_BYTES,
  parseMessage,
} from '@amr/protocol';

const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');

/** The markdown table rows (cells trimmed) following a heading. */
function table(heading: string): string[][] {
  const at = doc.indexOf(heading);
  expect(at, heading).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  let started = false;
  for (const line of doc.slice(at).split('\n').slice(1)) {
    if (line.startsWith('|')) {
      started = true;
      const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
      if (!/^-+$/.test(cells[0]!) && cells[0] !== 'field') rows.push(cells);
    } else if (started) break;
  }
  return rows;
}

const ticks = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

describe('docs/protocol.md matches @amr/protocol', () => {
  test('version, byte limits and batch size', () => {
    expect(doc).toMatch(new RegExp(`^# amr agent ↔ collector protocol, version ${PROTOCOL_VERSION}$`, 'm'));
    expect(doc).toContain(`larger than ${MAX_COMPRESSED / 1024} KiB compressed (or ${MAX_INFLATED / 1024 / 1024} MiB inflated)`);
    expect(doc).toContain(`timestamp more than ${MAX_SKEW_SECONDS} s from server time`);
    expect(doc).toContain(`(±${MAX_SKEW_SECONDS} s)`);
    expect(doc).toContain(`at most **${UDP_MAX_BYTES.toLocaleString('en-US')} bytes**`);
    expect(doc).toContain(`A TCP packet is at most ${TCP_MAX_FRAME.toLocaleString('en-US')} bytes`);
    expect(doc).toContain(`\`readings\` carry at most ${AGENT_READINGS_PER_MESSAGE} readings each`);
    expect(doc).toContain(`\`heartbeat\` messages carry at most ${AGENT_READINGS_PER_MESSAGE} readings`);
    expect(doc).toContain(`"protocol":${PROTOCOL_VERSION},"type":"probe"`);
  });

  test('message types and send reasons', () => {
    const types = /`type` is ([\s\S]*?) \(critical/.exec(doc)![1]!;
    expect([...types.matchAll(/`(\w+)`/g)].map((m) => m[1])).toEqual([...MESSAGE_TYPES]);
    const reason = table('### WireReading').find((r) => r[0] === '`reason`')!;
    expect(ticks(reason[1]!)).toEqual([...REASONS]);
  });

  test('WireReading field table names exactly the fields the package sends', () => {
    const rows = table('### WireReading');
    const top = new Set<string>();
    const identity: string[] = [];
    for (const [field] of rows) {
      const names = ticks(field!);
      const head = names[0]!.replace(/\[\]$/, '');
      const [parent, child] = head.split('.');
      top.add(parent!);
      if (parent === 'identity') identity.push(child!, ...names.slice(1));
    }
    expect([...top].sort()).toEqual([...READING_FIELDS].sort());
    expect(identity.sort()).toEqual([...IDENTITY_FIELDS].sort());
    const fields = (name: string): string[] => {
      const row = rows.find((r) => r[0] === `\`${name}\``)!;
      return /\{ ([^}]+) \}/.exec(ticks(row[1]!)[0]!)![1]!.split(', ');
    };
    expect(fields('supplies[]')).toEqual([...SUPPLY_FIELDS]);
    expect(fields('alerts[]')).toEqual([...ALERT_FIELDS]);
  });

  test('every limit in the Limits table is the package\'s, and every package limit is in the table', () => {
    const rows = table('### Limits');
    const groups: Record<string, Record<string, number>> = {
      identity: LIMITS.identity, status: LIMITS.status, 'supplies[]': LIMITS.supply, 'alerts[]': LIMITS.alert,
    };
    const flat: Record<string, number> = { readings: LIMITS.readings, 'status.errors': LIMITS.statusErrors, supplies: LIMITS.supplies, alerts: LIMITS.alerts };
    for (const [k, v] of Object.entries({ ...LIMITS.message, ...LIMITS.reading })) flat[k] = v;
    for (const [g, o] of Object.entries(groups)) for (const [k, v] of Object.entries(o)) flat[`${g}.${k}`] = v;
    flat['counter name'] = LIMITS.counterName;
    flat['counter unit'] = LIMITS.counterUnit;
    const documented: Record<string, number> = {};
    for (const [field, max] of rows) {
      const key = field!.startsWith('counter ') ? field!.replace(/[`]/g, '').replace(/ \(.*$/, '') : ticks(field!)[0]!;
      expect(documented[key], `${key} twice`).toBeUndefined();
      documented[key] = Number(max);
    }
    expect(documented).toEqual(flat);
  });

  test('the example message has exactly the documented fields and passes the collector\'s checks', () => {
    const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const example = JSON.parse(blocks.find((b) => b.includes('"host"'))!);
    expect(Object.keys(example)).toEqual([...MESSAGE_FIELDS]);
    expect(example.protocol).toBe(PROTOCOL_VERSION);
    const reading = example.readings[0];
    expect(Object.keys(reading)).toEqual([...READING_FIELDS]);
    expect(Object.keys(reading.identity)).toEqual([...IDENTITY_FIELDS]);
    for (const s of reading.supplies) expect(Object.keys(s)).toEqual([...SUPPLY_FIELDS]);
    for (const a of reading.alerts) expect(Object.keys(a)).toEqual([...ALERT_FIELDS]);
    const parsed = parseMessage(example, example.agentId);
    expect(parsed.readings[0]!.counters.total).toEqual({ value: 7432, unit: 'impressions' });
    expect(() => parseMessage({ ...example, readings: [{ ...reading, identity: { ...reading.identity, serial: 'x'.repeat(LIMITS.identity.serial + 1) } }] }, example.agentId))
      .toThrow(`readings[0].identity.serial is longer than ${LIMITS.identity.serial} characters`);
  });
});
