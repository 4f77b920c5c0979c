/** The TTY progress line for a sweep; a pure formatter plus a writer that only draws on a terminal. */
import type { SweepProgress } from './sweep.js';

function seconds(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.ceil(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function formatProgress(p: SweepProgress, width = 24): string {
  const frac = p.total ? Math.min(1, p.done / p.total) : 1;
  const filled = Math.round(frac * width);
  const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
  const n = (x: number) => Math.round(x).toLocaleString('en');
  return `[${bar}] ${n(p.done)}/${n(p.total)} addresses, ${p.printers} printer${p.printers === 1 ? '' : 's'} found, ${n(p.rate)}/s, ${seconds(p.etaMs)} left`;
}

/** Draws on `stream` only when it is a TTY; returns the callback and a function that clears the line. */
export function progressWriter(stream: NodeJS.WriteStream): { onProgress?: (p: SweepProgress) => void; clear: () => void } {
  if (!stream.isTTY) return { clear: () => {} };
  let drawn = false;
  return {
    onProgress: (p) => {
      stream.write(`\r${formatProgress(p)}\x1b[K`);
      drawn = true;
    },
    clear: () => {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
