/**
 * Human output of a Reading: a compact summary, and with --explain each value's source.
 * Every value from the device is made inert first (src/inert.ts): a printer's text never
 * moves the cursor, forges a line or reorders what a technician sees. A supply's state is
 * written in words as well as in colour, so it survives a pipe, a log file and colour blindness.
 */
import type { ChalkInstance } from 'chalk';
import { displayWidth, fit, inertDeep } from '../inert.js';
import { severityWord, type Reading, type Supply } from './types.js';

/** Longest supply or counter name shown whole; longer ones are cut with an ellipsis. */
const NAME_MAX = 40;

function bar(percent: number, width = 10): string {
  const filled = Math.round((percent / 100) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

/** The words beside a level: what colour alone would say. */
const STATE_WORDS: Record<string, string> = {
  low: 'LOW', empty: 'EMPTY', almostFull: 'ALMOST FULL', full: 'FULL',
  someRemaining: 'some remaining', unknown: 'level unknown', unrestricted: 'unrestricted',
};

function supplyName(s: Supply): string {
  return s.description + (s.color && !s.description.toLowerCase().includes(s.color) ? ` (${s.color})` : '');
}

function supplyLine(s: Supply, width: number, c: ChalkInstance): string {
  let level: string;
  const word = STATE_WORDS[s.state];
  if (s.levelPercent !== null) {
    const text = `${bar(s.levelPercent)} ${String(s.levelPercent).padStart(3)}%${s.class === 'receptacle' ? ' full' : ''}`;
    const bad = s.state === 'empty' || s.state === 'full';
    const warn = s.state === 'low' || s.state === 'almostFull';
    const paint = bad ? c.red : warn ? c.yellow : c.green;
    level = paint(text) + (word ? ' ' + paint.bold(`! ${word}`) : '');
  } else {
    level = c.dim(word ?? s.state);
  }
  return `    ${fit(supplyName(s), width)} ${level}`;
}

export function formatReading(reading: Reading, c: ChalkInstance, explain = false): string {
  const r = inertDeep(reading);
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
  const extras = Object.entries(r.extraCounters);
  if (counters.length) {
    const width = Math.min(NAME_MAX, Math.max(12, ...[...counters, ...extras].map(([k]) => displayWidth(k))));
    const line = (key: string, value: number, unit: string) => `    ${fit(key, width)} ${value.toLocaleString('en-US').padStart(14)} ${unit}`;
    lines.push(`  ${c.bold('counters')}`);
    for (const [key, counter] of counters) {
      lines.push(line(key, counter!.value, '').trimEnd() + ' ' + c.dim(counter!.unit) + src(`counters.${key}`));
    }
    for (const [key, counter] of extras) lines.push(c.dim(line(key, counter.value, counter.unit)) + src(`extraCounters.${key}`));
  }
  if (r.supplies.length) {
    const width = Math.min(NAME_MAX, Math.max(24, ...r.supplies.map((s) => displayWidth(supplyName(s)))));
    lines.push(`  ${c.bold('supplies')}`);
    r.supplies.forEach((s, i) => lines.push(supplyLine(s, width, c) + src(`supplies.${i}.level`)));
  }
  const trays = r.trays.filter((t) => t.name || t.media);
  if (trays.length) {
    const names = trays.map((t) => t.name ?? `tray ${t.index}`);
    const width = Math.min(NAME_MAX, Math.max(12, ...names.map(displayWidth)));
    const mediaWidth = Math.min(24, Math.max(6, ...trays.map((t) => displayWidth(t.media ?? ''))));
    lines.push(`  ${c.bold('trays')}`);
    trays.forEach((t, i) => {
      const level = t.currentLevel !== null ? `${t.currentLevel}${t.maxCapacity ? `/${t.maxCapacity}` : ''} sheets` : t.state;
      lines.push(`    ${fit(names[i]!, width)} ${fit(t.media ?? '', mediaWidth)} ${level}`);
    });
  }
  if (r.alerts.length) {
    lines.push(`  ${c.bold('alerts')}`);
    for (const a of r.alerts) {
      const word = severityWord(a.severity);
      const paint = word === 'critical' ? c.red : word === 'warning' ? c.yellow : c.dim;
      lines.push(`    ${paint(word.padEnd(8))} ${a.description}${a.codeName ? c.dim(` [${a.codeName}]`) : ''}`);
    }
  }
  const notices = r.notices ?? [];
  if (notices.length) lines.push(`  ${'notices'.padEnd(10)} ${c.dim(notices.map((a) => a.description).join(' | '))}`);
  for (const f of r.flags) lines.push(`  ${c.yellow('!')} ${f.message}${f.path ? c.dim(` (${f.path})`) : ''}`);
  return lines.join('\n');
}
