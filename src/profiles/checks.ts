/**
 * Sanity checks on billing counters. They add flags and never change or drop a value:
 * the dealer decides what a suspicious number means.
 */
import type { Counter, CounterKey, Flag, Reading } from '../reading/types.js';

const SUMS: [CounterKey, CounterKey[]][] = [
  ['total', ['mono', 'color']],
  ['print', ['printMono', 'printColor']],
  ['copy', ['copyMono', 'copyColor']],
];

function addFlag(reading: Reading, flag: Flag): void {
  if (!reading.flags.some((f) => f.code === flag.code && f.path === flag.path)) reading.flags.push(flag);
}

export function checkCounters(reading: Reading, previous?: Reading | null): void {
  const c = reading.counters;
  const total = c.total;
  for (const part of ['color', 'mono'] as const) {
    const v = c[part];
    if (total && v && v.unit === total.unit && v.value > total.value) {
      addFlag(reading, {
        code: `${part}ExceedsTotal`, path: `counters.${part}`,
        message: `${part} counter ${v.value} is greater than the total ${total.value}`,
      });
    }
  }
  for (const [whole, parts] of SUMS) {
    const w = c[whole];
    const ps = parts.map((p) => c[p]);
    if (!w || ps.some((p) => !p)) continue;
    const all = [w, ...(ps as Counter[])];
    if (all.some((x) => x.unit !== w.unit)) {
      addFlag(reading, {
        code: 'unitMismatch', path: `counters.${whole}`,
        message: `counters.${whole} is in ${w.unit} but ${parts.join('/')} are in ${ps.map((p) => p!.unit).join('/')}: they cannot be compared`,
      });
      continue;
    }
    const sum = (ps as Counter[]).reduce((s, p) => s + p.value, 0);
    if (sum !== w.value) {
      addFlag(reading, {
        code: 'partsMismatch', path: `counters.${whole}`,
        message: `${parts.join(' + ')} = ${sum} but ${whole} = ${w.value} (difference ${w.value - sum})`,
      });
    }
  }
  const fnParts = (['print', 'copy', 'fax'] as const).map((k) => c[k]).filter((x): x is Counter => !!x);
  if (total && fnParts.length > 1 && fnParts.every((p) => p.unit === total.unit)) {
    const sum = fnParts.reduce((s, p) => s + p.value, 0);
    if (sum > total.value) {
      addFlag(reading, {
        code: 'partsExceedTotal', path: 'counters.total',
        message: `print + copy + fax = ${sum} is more than the total ${total.value}`,
      });
    }
  }
  if (total?.unit === 'sheets') {
    addFlag(reading, {
      code: 'unitSheets', path: 'counters.total',
      message: 'the total counts sheets, not impressions: a duplex sheet counts once',
    });
  }
  if (previous) checkAgainstPrevious(reading, previous);
}

function checkAgainstPrevious(reading: Reading, previous: Reading): void {
  const pairs: [string, Counter | undefined, Counter | undefined][] = [];
  for (const [k, v] of Object.entries(reading.counters)) pairs.push([`counters.${k}`, v, previous.counters[k as CounterKey]]);
  for (const [k, v] of Object.entries(reading.extraCounters)) pairs.push([`extraCounters.${k}`, v, previous.extraCounters?.[k]]);
  for (const [path, now, before] of pairs) {
    if (!now || !before) continue;
    if (now.unit !== before.unit) {
      addFlag(reading, { code: 'unitChanged', path, message: `${path} was counted in ${before.unit}, now in ${now.unit}` });
    } else if (now.value < before.value) {
      addFlag(reading, {
        code: 'counterDecreased', path,
        message: `${path} went down from ${before.value} to ${now.value} (board swap or counter reset?)`,
      });
    }
  }
  const s1 = previous.identity?.serial;
  const s2 = reading.identity.serial;
  if (s1 && s2 && s1 !== s2) {
    addFlag(reading, { code: 'serialChanged', path: 'identity.serial', message: `serial changed from ${s1} to ${s2}` });
  }
}
