/** What `amr discover` prints: the table, the JSON document and the summary line. Pure formatting. */
import { displayWidth, fit, inert } from '../inert.js';
import type { InventoryDevice } from './inventory.js';
import type { FoundDevice, SweepStats } from './sweep.js';

function deviceLabel(d: { vendor: string | null; brand: string | null }): string {
  if (!d.vendor) return '-';
  return d.brand && d.brand !== d.vendor ? `${d.brand} (${d.vendor})` : d.vendor;
}

export function formatTable(rows: readonly InventoryDevice[]): string {
  const head = ['IP', 'VENDOR', 'MODEL', 'SERIAL', 'MAC', 'STATUS'];
  // Device text is made inert (src/inert.ts) and cut to a width, so no value breaks the table.
  const body = rows.map((d) => [d.ip + (d.ips.length > 1 ? ` (+${d.ips.length - 1})` : ''), deviceLabel(d), d.model ?? '-', d.serial ?? '-', d.mac ?? '-', d.status]
    .map((v) => inert(v)));
  const widths = head.map((h, i) => Math.min(40, Math.max(h.length, ...body.map((r) => displayWidth(r[i]!)))));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : fit(c, widths[i]!))).join('  ');
  return [line(head), ...body.map(line)].join('\n') + '\n';
}

export function formatOthers(others: readonly FoundDevice[]): string {
  return others.map((d) => inert(`${d.ip}  ${d.classification.vendor ?? '-'}  not a printer: ${d.classification.reason}`)).join('\n') + (others.length ? '\n' : '');
}

export function summaryLine(stats: SweepStats, responders: number, rows: readonly InventoryDevice[]): string {
  const count = (s: string) => rows.filter((d) => d.status === s).length;
  const printers = rows.filter((d) => d.status !== 'missing').length;
  const parts = [
    stats.aborted
      ? `Interrupted after probing ${stats.probed.toLocaleString('en')} of ${stats.addresses.toLocaleString('en')} address${stats.addresses === 1 ? '' : 'es'} in ${(stats.durationMs / 1000).toFixed(1)} s`
      : `Swept ${stats.addresses.toLocaleString('en')} address${stats.addresses === 1 ? '' : 'es'} in ${(stats.durationMs / 1000).toFixed(1)} s`,
    `${responders} answered`,
    `${printers} printer${printers === 1 ? '' : 's'} (${count('new')} new, ${count('moved')} moved, ${count('missing')} missing)`,
  ];
  let s = parts.join(': ').replace(/: (\d+ printer)/, ', $1');
  if (stats.garbled) s += `; ${stats.garbled} garbled repl${stats.garbled === 1 ? 'y' : 'ies'} ignored`;
  if (stats.unsolicited) s += `; ${stats.unsolicited} repl${stats.unsolicited === 1 ? 'y' : 'ies'} from addresses not asked ignored`;
  if (stats.refused.length) s += `; ${stats.refused.length} device(s) speak SNMPv3 but refused every configured user: ${inert(stats.refused.join(', '))}`;
  return s + '\n';
}
