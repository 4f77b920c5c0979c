// Bytes per printer per message, raw JSON and gzip as sent, for the readings of the
// project's printer recordings (test/fixtures/devices/printers), decoded by amr's own
// decoder. No network. `--write` puts the figures into bench/README.md under "send".
// Build first: npm run build.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSnmprec } from '../../dist/snmp/snmprec.js';
import { decodeReading } from '../../dist/reading/decode.js';
import { buildMessages } from '../../dist/transport/deliver.js';
import { encodeAuxPacket, encodeBody } from '../../dist/transport/codec.js';

const root = join(import.meta.dirname, '..', '..');
const dir = join(root, 'test', 'fixtures', 'devices', 'printers');
const names = readdirSync(dir).filter((f) => f.endsWith('.snmprec')).sort();
const ctx = (privacy) => ({ agentId: 'frontdesk-pc', customer: 'ACME-0001', agentVersion: '0.1.0', key: 'bench-key', privacy });
const send = ctx({ ip: 'send', mac: 'send', hostname: 'send' });
const mask = ctx({ ip: 'mask', mac: 'mask', hostname: 'mask' });

const rows = [];
const readings = [];
for (const [i, name] of names.entries()) {
  const vbs = parseSnmprec(readFileSync(join(dir, name), 'utf8'), name, () => {}); // a bad line is skipped, as amr does
  const r = decodeReading(`192.168.1.${10 + i}`, vbs, { ip: `192.168.1.${10 + i}` });
  readings.push(r);
  const [m] = buildMessages(send, 'readings', [r]);
  const [mm] = buildMessages(mask, 'readings', [r]);
  const [a] = buildMessages(send, 'alert', [r]);
  rows.push({
    name: name.replace('.snmprec', ''),
    supplies: r.supplies.length, alerts: r.alerts.length,
    raw: Buffer.byteLength(JSON.stringify(m)), gzip: encodeBody(m).length, masked: encodeBody(mm).length,
    udp: encodeAuxPacket('frontdesk-pc', 'bench-key', encodeBody(a)).length,
  });
}
const fleet = buildMessages(send, 'readings', readings)[0];
const fleetRaw = Buffer.byteLength(JSON.stringify(fleet));
const fleetGzip = encodeBody(fleet).length;
const max = Math.max(...rows.map((r) => r.gzip));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

const lines = [
  '<!-- send:begin -->',
  `Node ${process.version}, ${names.length} recordings. One message = envelope (agent id, customer, version, message id, time) + readings.`,
  '',
  '| recording | supplies | alerts | raw JSON B | gzip B (sent) | gzip B, privacy mask | alert as UDP packet B |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.name} | ${r.supplies} | ${r.alerts} | ${r.raw} | ${r.gzip} | ${r.masked} | ${r.udp} |`),
  '',
  `One printer per message: median ${median(rows.map((r) => r.gzip))} B gzip (${median(rows.map((r) => r.raw))} B raw), largest ${max} B; target ≤ 1,024 B: ${max <= 1024 ? 'met' : 'NOT met'}.`,
  `All ${names.length} printers in one message: ${fleetGzip} B gzip (${fleetRaw} B raw) = ${Math.round(fleetGzip / names.length)} B per printer.`,
  `UDP: every alert packet ≤ 1,200 B: ${rows.every((r) => r.udp <= 1200) ? 'yes' : 'no'} (largest ${Math.max(...rows.map((r) => r.udp))} B).`,
  '<!-- send:end -->',
];
const text = lines.join('\n');
console.log(text);
if (process.argv.includes('--write')) {
  const readme = join(root, 'bench', 'README.md');
  let md = readFileSync(readme, 'utf8');
  const section = `## send\n\n\`node bench/send/run.mjs [--write]\`: each recording of \`test/fixtures/devices/printers\` decoded by amr's decoder,\nthen built into the message amr would send (docs/protocol.md), measured as raw JSON and as the gzip body on the wire.\n\n${text}\n`;
  if (md.includes('<!-- send:begin -->')) md = md.replace(/## send\n[\s\S]*?<!-- send:end -->\n?/, section);
  else md = md.trimEnd() + '\n\n' + section;
  writeFileSync(readme, md);
}
