/** Human output of a Reading: a compact summary, and with --explain each value's source. */
import type { ChalkInstance } from 'chalk';
import type { Reading, Supply } from './types.js';

function bar(percent: number, width = 10): string {
  const filled = Math.round((percent / 100) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

function supplyLine(s: Supply, c: ChalkInstance): string {
  const name = s.description + (s.color && !s.description.toLowerCase().includes(s.color) ? ` (${s.color})` : '');
  let level: string;
  if (s.levelPercent !== null) {
    const text = `${bar(s.levelPercent)} ${String(s.levelPercent).padStart(3)}%${s.class === 'receptacle' ? ' full' : ''}`;
    const paint = s.state === 'empty' || s.state === 'full' ? c.red : s.state === 'low' || s.state === 'almostFull' ? c.yellow : c.green;
    level = paint(text);
  } else {
    const words: Record<string, string> = { someRemaining: 'some remaining', unknown: 'level unknown', unrestricted: 'unrestricted' };
    level = c.dim(words[s.state] ?? s.state);
  }
  return `    ${name.padEnd(34)} ${level}`;
}

export function formatReading(r: Reading, c: ChalkInstance, explain = false): string {
  const src = (path: string) => (explain && r.sources[path] ? c.dim(`  <- ${r.sources[path]}`) : '');
  const lines: string[] = [];
  const id = r.identity;
  const title = [id.vendor, id.model].filter(Boolean).join(' ') || id.sysDescr || 'unknown device';
  if (!r.ok) {
    lines.push(`${c.bold(r.host)}  ${c.red('FAILED')}  ${r.error ?? ''}`);
    return lines.join('\n');
  }
  lines.push(`${c.bold(r.host)}  ${c.cyan(title)}${r.profile ? c.dim(`  [profile ${r.profile}]`) : ''}`);
  const field = (label: string, value: string | number | null, path: string) => {
    if (value !== null && value !== '') lines.push(`  ${label.padEnd(10)} ${value}${src(path)}`);
  };
  field('serial', id.serial, 'identity.serial');
  field('ip', id.ip, 'identity.ip');
  field('mac', id.mac, 'identity.mac');
  field('firmware', id.firmware, 'identity.firmware');
  field('hostname', id.hostname, 'identity.hostname');
  field('location', id.location, 'identity.location');
  if (explain) {
    field('vendor', id.vendor, 'identity.vendor');
    field('model', id.model, 'identity.model');
    field('sysObjID', id.sysObjectID, 'identity.sysObjectID');
  }
  const status = [r.status.device, r.status.printer].filter(Boolean).join(', ');
  const errors = r.status.errors.length ? c.yellow(` (${r.status.errors.join(', ')})`) : '';
  if (status || errors) lines.push(`  ${'status'.padEnd(10)} ${status}${errors}${src('status.device')}`);
  if (r.status.display.length) lines.push(`  ${'display'.padEnd(10)} ${r.status.display.join(' | ')}`);

  const counters = Object.entries(r.counters);
  if (counters.length) {
    lines.push(`  ${c.bold('counters')}`);
    for (const [key, counter] of counters) {
      lines.push(`    ${key.padEnd(12)} ${String(counter!.value.toLocaleString('en-US')).padStart(12)} ${c.dim(counter!.unit)}${src(`counters.${key}`)}`);
    }
    for (const [key, counter] of Object.entries(r.extraCounters)) {
      lines.push(c.dim(`    ${key.padEnd(12)} ${String(counter.value.toLocaleString('en-US')).padStart(12)} ${counter.unit}`) + src(`extraCounters.${key}`));
    }
  }
  if (r.supplies.length) {
    lines.push(`  ${c.bold('supplies')}`);
    r.supplies.forEach((s, i) => lines.push(supplyLine(s, c) + src(`supplies.${i}.level`)));
  }
  const trays = r.trays.filter((t) => t.name || t.media);
  if (trays.length) {
    lines.push(`  ${c.bold('trays')}`);
    for (const t of trays) {
      const level = t.currentLevel !== null ? `${t.currentLevel}${t.maxCapacity ? `/${t.maxCapacity}` : ''} sheets` : t.state;
      lines.push(`    ${(t.name ?? `tray ${t.index}`).padEnd(20)} ${(t.media ?? '').padEnd(14)} ${level}`);
    }
  }
  if (r.alerts.length) {
    lines.push(`  ${c.bold('alerts')}`);
    for (const a of r.alerts) {
      const paint = a.severity === 'critical' ? c.red : c.yellow;
      lines.push(`    ${paint(String(a.severity).padEnd(9))} ${a.description}${a.codeName ? c.dim(` [${a.codeName}]`) : ''}`);
    }
  }
  for (const f of r.flags) lines.push(`  ${c.yellow('!')} ${f.message}${f.path ? c.dim(` (${f.path})`) : ''}`);
  return lines.join('\n');
}
