/**
 * What each rule kind watches, as pure functions of a device's latest state. Every
 * condition has a subject (what the event is about) so one device can have several
 * events of one rule at once (two low toners, a jam and an open door).
 */
import type { Observation } from './machine.js';

export const RULE_KINDS = ['supply-low', 'supply-empty', 'supply-forecast', 'device-error', 'device-silent', 'agent-silent', 'counter-backwards'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** Kinds evaluated when a reading arrives; the silent kinds run on the timer. */
export const INGEST_KINDS: RuleKind[] = ['supply-low', 'supply-empty', 'supply-forecast', 'device-error', 'counter-backwards'];

export const DEFAULT_THRESHOLD: Record<RuleKind, number | null> = {
  'supply-low': 10, 'supply-empty': null, 'supply-forecast': 7, 'device-error': null, 'device-silent': 24, 'agent-silent': 24, 'counter-backwards': null,
};

export const KIND_HELP: Record<RuleKind, string> = {
  'supply-low': 'a consumable at or below THRESHOLD % (default 10) or reported low; clears above THRESHOLD + 5 %',
  'supply-empty': 'a consumable at 0 % or reported empty',
  'supply-forecast': 'a consumable forecast to be empty within THRESHOLD days (default 7)',
  'device-error': 'a jam, open door, service requested or offline/unreachable device',
  'device-silent': 'a device without a reading for THRESHOLD hours (default 24)',
  'agent-silent': 'an agent not heard from for THRESHOLD hours (default 24)',
  'counter-backwards': 'a page counter lower than the read before it (board swap, reset, mixed-up devices)',
};

export interface SupplyState { idx: string; description: string | null; color: string | null; cls: string | null; level: number | null; state: string | null; emptyAt: string | null }
export interface DeviceSnapshot {
  errors: string[];
  unreachable: boolean;
  supplies: SupplyState[];
  /** Counters whose newest read is lower than the one before: key -> [before, after]. */
  backwards: Map<string, [number, number]>;
  /** Counters read in the newest reading (so one that went back and then advanced clears). */
  counters: Set<string>;
  /** Time of the observation (the device's newest reading). */
  at: string;
}

export interface Observed { subject: string; obs: Observation; detail: string }

const HYSTERESIS = 5;
const ERRORS: Record<string, string> = { jammed: 'paper jam', doorOpen: 'door open', serviceRequested: 'service requested', offline: 'offline' };
const name = (s: SupplyState) => s.description ?? s.color ?? `supply ${s.idx}`;

/** Observations for one rule on one device; subjects not mentioned are not observed (unchanged). */
export function observeDevice(kind: RuleKind, threshold: number | null, d: DeviceSnapshot): Observed[] {
  const consumables = d.supplies.filter((s) => s.cls !== 'receptacle');
  switch (kind) {
    case 'supply-low': {
      const t = threshold ?? 10;
      return consumables.map((s) => {
        const low = (s.level !== null && s.level <= t) || s.state === 'low' || s.state === 'empty';
        const clearly = s.level === null ? s.state === 'ok' : s.level > t + HYSTERESIS && s.state !== 'low' && s.state !== 'empty';
        return { subject: `supply:${s.idx}`, obs: low ? 'active' : clearly ? 'absent' : 'hold', detail: `${name(s)} ${s.level ?? '?'}%${s.state ? ` (${s.state})` : ''}` };
      });
    }
    case 'supply-empty':
      return consumables.map((s) => {
        const empty = s.level === 0 || s.state === 'empty';
        return { subject: `supply:${s.idx}`, obs: empty ? 'active' : (s.level ?? 0) >= HYSTERESIS || s.state === 'ok' ? 'absent' : 'hold', detail: `${name(s)} ${s.level ?? '?'}%${s.state ? ` (${s.state})` : ''}` };
      });
    case 'supply-forecast': {
      const days = threshold ?? 7;
      const at = Date.parse(d.at);
      return consumables.map((s) => {
        const left = s.emptyAt ? (Date.parse(s.emptyAt) - at) / 86_400_000 : null;
        const obs: Observation = left === null ? 'absent' : left <= days ? 'active' : left > days + 2 ? 'absent' : 'hold';
        return { subject: `supply:${s.idx}`, obs, detail: `${name(s)} ${s.level ?? '?'}%, empty in ${left === null ? '?' : Math.max(0, Math.round(left))} days${s.emptyAt ? ` (${s.emptyAt.slice(0, 10)})` : ''}` };
      });
    }
    case 'device-error':
      return Object.entries(ERRORS).map(([code, text]) => {
        const on = d.errors.includes(code) || (code === 'offline' && d.unreachable);
        return { subject: `error:${code}`, obs: on ? 'active' : 'absent', detail: code === 'offline' && d.unreachable && !d.errors.includes(code) ? 'not answering' : text };
      });
    case 'counter-backwards':
      return [...d.counters].map((key) => {
        const b = d.backwards.get(key);
        return { subject: `counter:${key}`, obs: b ? 'active' : 'absent', detail: b ? `${key} went from ${b[0]} to ${b[1]}` : `${key} counting up again` };
      });
    default:
      return [];
  }
}

/** Silence: hours since the last news, compared with the rule's threshold. */
export function observeSilence(threshold: number | null, lastAt: string | null, now: number): Observation {
  const hours = threshold ?? 24;
  if (!lastAt) return 'active';
  return now - Date.parse(lastAt) >= hours * 3_600_000 ? 'active' : 'absent';
}
