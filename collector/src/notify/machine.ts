/**
 * One notification when a condition starts and one when it ends, never a storm. Pure.
 *
 * An observation says a condition is `active`, `absent`, or `hold` (inside a hysteresis
 * band: no news either way). An event opens on the first `active` (notify "open"). It
 * clears only after two observations in a row without it at least `settleMs` apart (notify
 * "clear"); an `active` in between cancels the pending clear silently. A condition that
 * flaps faster than `settleMs` therefore gives one "open" and nothing more until it has
 * really been gone for that long.
 */
export type Observation = 'active' | 'absent' | 'hold';

export interface EventState {
  state: 'open' | 'cleared';
  openedAt: string;
  /** First observation of absence since the last active one; null while active. */
  absentSince: string | null;
  clearedAt: string | null;
}

export type Transition = 'open' | 'clear' | null;

export const DEFAULT_SETTLE_MS = 15 * 60_000;

export function step(ev: EventState | null, obs: Observation, at: string, settleMs = DEFAULT_SETTLE_MS): { next: EventState | null; notify: Transition } {
  const open = ev && ev.state === 'open' ? ev : null;
  if (obs === 'active') {
    if (!open) return { next: { state: 'open', openedAt: at, absentSince: null, clearedAt: null }, notify: 'open' };
    return { next: open.absentSince ? { ...open, absentSince: null } : open, notify: null };
  }
  if (obs === 'hold' || !open) return { next: ev, notify: null };
  if (!open.absentSince || at < open.absentSince) return { next: { ...open, absentSince: at }, notify: null };
  if (Date.parse(at) - Date.parse(open.absentSince) >= settleMs) return { next: { ...open, state: 'cleared', clearedAt: at }, notify: 'clear' };
  return { next: open, notify: null };
}
