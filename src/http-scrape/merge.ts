/**
 * mergeWeb: pure. SNMP values stay; web values fill what SNMP left empty. Where both
 * exist and disagree, the web value is kept beside it (extraCounters "web.<key>") and
 * a flag says so. Every web value records "web:URL selector" in reading.sources.
 * Page problems become flags with code "web-note" so `amr read --explain` shows them.
 */
import type { Counter, Reading } from '../reading/types.js';
import { levelOf } from '../reading/supply-level.js';
import { sameSupply } from './targets.js';
import type { WebResult, WebValue } from './types.js';

/** Supply levels from pages are often rounded differently from SNMP; within this, they agree. */
const SUPPLY_TOLERANCE = 2;

function src(v: WebValue): string {
  return `web:${v.url} ${v.selector}`;
}


export function mergeWeb(reading: Reading, web: WebResult): Reading {
  if (web.values.length === 0 && web.notes.length === 0) return reading; // nothing to add: no copy
  const r: Reading = structuredClone(reading);
  const disagree = (path: string, snmp: unknown, v: WebValue) => {
    r.flags.push({
      code: 'web-disagrees',
      path,
      message: `${path}: SNMP says ${snmp}, web page says ${v.value} (${v.url}); both kept, SNMP value used`,
    });
  };
  for (const v of web.values) {
    const t = v.target;
    if (t.kind === 'counter' || t.kind === 'extra') {
      const counter: Counter = { value: v.value as number, unit: t.unit };
      const path = t.kind === 'counter' ? `counters.${t.key}` : `extraCounters.${t.name}`;
      const have = t.kind === 'counter' ? r.counters[t.key] : r.extraCounters[t.name];
      if (!have) {
        if (t.kind === 'counter') r.counters[t.key] = counter;
        else r.extraCounters[t.name] = counter;
        r.sources[path] = src(v);
      } else if (have.value !== counter.value) {
        const name = `web.${t.kind === 'counter' ? t.key : t.name}`;
        r.extraCounters[name] = counter;
        r.sources[`extraCounters.${name}`] = src(v);
        disagree(path, have.value, v);
      }
    } else if (t.kind === 'supply') {
      // Pages give what is left: of a container, or of a receptacle's space (a maintenance
      // box's service life). levelOf turns it into the Reading's percent, as for SNMP.
      const i = r.supplies.findIndex((s) => sameSupply(s, t.type, t.color));
      const level = levelOf({ type: t.type, supplyClass: i >= 0 ? r.supplies[i]!.class : null, max: 100, level: v.value as number, unit: 'percent' });
      const pct = level.levelPercent!;
      if (i >= 0) {
        const s = r.supplies[i]!;
        if (s.levelPercent === null) {
          s.levelPercent = pct;
          r.sources[`supplies[${i}].levelPercent`] = src(v);
        } else if (Math.abs(s.levelPercent - pct) > SUPPLY_TOLERANCE) {
          disagree(`supplies[${i}].levelPercent`, `${s.levelPercent}%`, { ...v, value: `${pct}%` });
        }
      } else {
        const hr = r.supplies[0]?.hrDeviceIndex ?? 1;
        const index = r.supplies.reduce((m, s) => Math.max(m, s.index), 0) + 1;
        r.supplies.push({
          hrDeviceIndex: hr,
          index,
          description: `${t.color ? `${t.color} ` : ''}${t.type} (web page)`,
          type: t.type,
          class: level.cls,
          color: t.color,
          unit: 'percent',
          max: 100,
          level: v.value as number,
          levelPercent: pct,
          state: level.state,
        });
        r.sources[`supplies[${r.supplies.length - 1}]`] = src(v);
      }
    } else if (t.kind === 'identity') {
      const have = r.identity[t.field];
      if (have === null || have === '') {
        r.identity[t.field] = String(v.value);
        r.sources[`identity.${t.field}`] = src(v);
      } else if (have.trim().toLowerCase() !== String(v.value).trim().toLowerCase()) {
        disagree(`identity.${t.field}`, `"${have}"`, { ...v, value: `"${v.value}"` });
      }
    }
  }
  for (const note of web.notes) r.flags.push({ code: 'web-note', message: note });
  return r;
}
