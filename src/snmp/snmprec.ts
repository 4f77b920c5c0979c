/**
 * The .snmprec recording format (snmpsim's): one variable a line, `OID|TAG|VALUE`.
 * Tags: 2 Integer32, 4 OCTET STRING (4x: hex), 5 Null, 6 OID, 64 IpAddress,
 * 65 Counter32, 66 Gauge32, 67 TimeTicks, 68 Opaque, 70 Counter64. Pure: text in, varbinds out.
 */
import { compareOids, type VarType, type Varbind } from './types.js';

const TAG_TYPES: Record<string, VarType> = {
  '2': 'Integer', '4': 'OctetString', '5': 'Null', '6': 'OID', '64': 'IpAddress',
  '65': 'Counter32', '66': 'Gauge32', '67': 'TimeTicks', '68': 'Opaque', '70': 'Counter64',
};
const TYPE_TAGS = Object.fromEntries(Object.entries(TAG_TYPES).map(([tag, type]) => [type, tag])) as Record<VarType, string>;

export class SnmprecError extends Error {}

/**
 * Parse a recording, sorted by OID. A line that cannot be parsed (real recordings
 * have a few, e.g. a garbled Counter32) is skipped and passed to `onProblem`;
 * with no `onProblem` it throws with its line number.
 */
export function parseSnmprec(text: string, name = 'recording', onProblem?: (error: SnmprecError) => void): Varbind[] {
  const out: Varbind[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    try {
      const vb = parseLine(lines[i]!, `${name}:${i + 1}`);
      if (vb) out.push(vb);
    } catch (e) {
      if (!(e instanceof SnmprecError) || !onProblem) throw e;
      onProblem(e);
    }
  }
  out.sort((a, b) => compareOids(a.oid, b.oid));
  return out;
}

function parseLine(line: string, where: string): Varbind | null {
  {
    if (line.trim() === '' || line.startsWith('#')) return null;
    const first = line.indexOf('|');
    const second = first < 0 ? -1 : line.indexOf('|', first + 1);
    if (second < 0) throw new SnmprecError(`${where}: expected OID|TAG|VALUE`);
    const oid = line.slice(0, first).replace(/^\./, '');
    const tag = line.slice(first + 1, second);
    const raw = line.slice(second + 1);
    if (!/^\d+(\.\d+)+$/.test(oid)) throw new SnmprecError(`${where}: bad OID "${oid}"`);
    const hex = tag.endsWith('x');
    const type = TAG_TYPES[hex ? tag.slice(0, -1) : tag];
    if (!type) throw new SnmprecError(`${where}: unsupported tag "${tag}"`);
    return { oid, type, value: parseValue(type, raw, hex, where) };
  }
}

function parseValue(type: VarType, raw: string, hex: boolean, where: string): Varbind['value'] {
  const bytes = () => {
    if (!hex) return Buffer.from(raw, 'utf8');
    if (!/^([0-9a-fA-F]{2})*$/.test(raw)) throw new SnmprecError(`${where}: bad hex value`);
    return Buffer.from(raw, 'hex');
  };
  switch (type) {
    case 'OctetString':
    case 'Opaque':
      return bytes();
    case 'Null':
      return null;
    case 'OID':
      return raw.replace(/^\./, '');
    case 'IpAddress': {
      if (hex) return [...bytes()].join('.');
      return raw;
    }
    case 'Counter64': {
      if (!/^\d+$/.test(raw)) throw new SnmprecError(`${where}: bad Counter64 "${raw}"`);
      return BigInt(raw);
    }
    default: {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw new SnmprecError(`${where}: bad number "${raw}"`);
      return n;
    }
  }
}

/** Serialise varbinds as .snmprec; octet strings that are not plain printable text are written as hex. */
export function formatSnmprec(varbinds: Varbind[]): string {
  const sorted = [...varbinds].sort((a, b) => compareOids(a.oid, b.oid));
  const lines: string[] = [];
  for (const vb of sorted) {
    const tag = TYPE_TAGS[vb.type];
    if (!tag) continue; // exceptions are not recorded
    if (Buffer.isBuffer(vb.value)) {
      const text = vb.value.toString('utf8');
      const printable = /^[\x20-\x7e\u00a0-\uffff]*$/.test(text) && !text.includes('|') && !text.includes('\uFFFD')
        && Buffer.from(text, 'utf8').equals(vb.value);
      lines.push(printable ? `${vb.oid}|${tag}|${text}` : `${vb.oid}|${tag}x|${vb.value.toString('hex')}`);
    } else {
      lines.push(`${vb.oid}|${tag}|${vb.value === null ? '' : String(vb.value)}`);
    }
  }
  return lines.join('\n') + '\n';
}
