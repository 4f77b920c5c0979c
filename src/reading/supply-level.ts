/**
 * RFC 3805 supply levels, exactly: prtMarkerSuppliesLevel is the current level of a
 * container and the REMAINING SPACE of a receptacle; -1 means unrestricted, -2 unknown,
 * -3 "at least some remains". prtMarkerSuppliesMaxCapacity -1 unrestricted, -2 unknown.
 * A percentage is given only where level and max allow it, and never outside 0-100.
 */
import { RECEPTACLE_TYPES } from './rfc3805.js';
import type { Supply, SupplyClass, SupplyState } from './types.js';

export interface LevelInput {
  type: string;
  supplyClass: SupplyClass | null;
  max: number | null;
  level: number | null;
  unit: string | null;
}

export interface LevelResult {
  /** For consumed supplies: percent left. For receptacles: percent full. */
  levelPercent: number | null;
  state: SupplyState;
  cls: Supply['class'];
  flag?: { code: string; message: string };
}

/** At or below this percent a consumed supply is "low"; at or above (100 - it) a receptacle is "almostFull". */
export const LOW_PERCENT = 10;

export function levelOf({ type, supplyClass, max, level, unit }: LevelInput): LevelResult {
  const cls: SupplyClass = supplyClass && supplyClass !== 'other' ? supplyClass
    : RECEPTACLE_TYPES.has(type) ? 'receptacle' : supplyClass ?? 'consumed';
  const receptacle = cls === 'receptacle';
  if (level === null) return { levelPercent: null, state: 'unknown', cls };
  if (level === -1) return { levelPercent: null, state: 'unrestricted', cls };
  if (level === -2) return { levelPercent: null, state: 'unknown', cls };
  if (level === -3) return { levelPercent: null, state: 'someRemaining', cls };
  if (level < 0) {
    return { levelPercent: null, state: 'unknown', cls, flag: { code: 'supplyLevelInvalid', message: `level ${level} is not a value RFC 3805 allows` } };
  }
  let remaining: number; // percent of the container left, or of the receptacle's space left
  let flag: LevelResult['flag'];
  if (max !== null && max > 0) {
    remaining = (level / max) * 100;
    if (level > max) flag = { code: 'supplyLevelAboveMax', message: `level ${level} is above the capacity ${max}; shown as 100%` };
  } else if (unit === 'percent' && level <= 100) {
    // No usable capacity, but the unit says the level is itself a percentage.
    remaining = level;
  } else {
    return { levelPercent: null, state: 'unknown', cls };
  }
  remaining = Math.min(100, Math.max(0, remaining));
  const percent = Math.round(receptacle ? 100 - remaining : remaining);
  const state: SupplyState = receptacle
    ? percent >= 100 ? 'full' : percent >= 100 - LOW_PERCENT ? 'almostFull' : 'ok'
    : percent <= 0 ? 'empty' : percent <= LOW_PERCENT ? 'low' : 'ok';
  return flag ? { levelPercent: percent, state, cls, flag } : { levelPercent: percent, state, cls };
}
