import { esc } from './html.js';
import { fmtNum } from './format.js';

/**
 * Charts drawn on the server as inline SVG: no script, no CDN, nothing for the
 * CSP to allow. Readable without colour: mono bars are solid, colour bars are
 * hatched, each supply line has its own dash pattern and marker shape and is
 * labelled at its end; every chart has its numbers in a table beside it.
 */
const W = 900;
const H = 260;
const M = { top: 14, right: 150, bottom: 34, left: 64 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

function niceMax(v: number): number {
  if (v <= 0) return 10;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function yAxis(max: number, fmt: (n: number) => string): string {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  return ticks.map((t) => {
    const y = M.top + PH - (t / max) * PH;
    return `<line x1="${M.left}" x2="${M.left + PW}" y1="${y}" y2="${y}" stroke="#ddd"/>`
      + `<text x="${M.left - 6}" y="${y + 4}" text-anchor="end" font-size="11" fill="#333">${esc(fmt(t))}</text>`;
  }).join('');
}

const DEFS = `<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
<rect width="6" height="6" fill="#9ec5f0"/><line x1="0" y1="0" x2="0" y2="6" stroke="#1f5fa8" stroke-width="3"/></pattern></defs>`;

export interface BarSeries { label: string; values: (number | null)[]; fill: 'solid' | 'hatch' }

/** Stacked bars (mono below, colour above) with x labels; every `labelEvery`th label shown. */
export function barChart(id: string, title: string, labels: string[], series: BarSeries[], labelEvery = 1): string {
  if (labels.length === 0) return `<p class="empty" id="${esc(id)}">${esc(title)}: no data (fewer than two reads in the period).</p>`;
  const totals = labels.map((_, i) => series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const max = niceMax(Math.max(...totals));
  const bw = PW / labels.length;
  const bars: string[] = [];
  labels.forEach((lab, i) => {
    let y0 = M.top + PH;
    for (const s of series) {
      const v = s.values[i] ?? 0;
      const h = (v / max) * PH;
      if (h > 0) {
        bars.push(`<rect x="${(M.left + i * bw + bw * 0.1).toFixed(1)}" y="${(y0 - h).toFixed(1)}" width="${(bw * 0.8).toFixed(1)}" height="${h.toFixed(1)}" `
          + `fill="${s.fill === 'hatch' ? 'url(#hatch)' : '#444'}" stroke="#222" stroke-width="0.5"><title>${esc(`${lab} ${s.label}: ${fmtNum(v)}`)}</title></rect>`);
      }
      y0 -= h;
    }
    if (i % labelEvery === 0) bars.push(`<text x="${(M.left + i * bw + bw / 2).toFixed(1)}" y="${H - M.bottom + 14}" text-anchor="middle" font-size="10" fill="#333">${esc(lab)}</text>`);
  });
  const legend = series.map((s, i) => `<rect x="${M.left + PW + 16}" y="${M.top + i * 20}" width="14" height="14" fill="${s.fill === 'hatch' ? 'url(#hatch)' : '#444'}" stroke="#222"/>`
    + `<text x="${M.left + PW + 36}" y="${M.top + i * 20 + 11}" font-size="12">${esc(s.label)}${s.fill === 'hatch' ? ' (hatched)' : ' (solid)'}</text>`).join('');
  return `<svg id="${esc(id)}" class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${esc(id)}-t" xmlns="http://www.w3.org/2000/svg">
<title id="${esc(id)}-t">${esc(title)}</title>${DEFS}${yAxis(max, fmtNum)}
<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + PH}" stroke="#333"/><line x1="${M.left}" x2="${M.left + PW}" y1="${M.top + PH}" y2="${M.top + PH}" stroke="#333"/>
${bars.join('\n')}${legend}</svg>`;
}

export interface LineSeries { label: string; color: string | null; points: { t: number; v: number }[] }

const DASHES = ['', '8 4', '2 3', '10 3 2 3', '4 4', '12 6'];
const SWATCH: Record<string, string> = { black: '#222', cyan: '#0097b2', magenta: '#c2187a', yellow: '#b89500' };
function marker(kind: number, x: number, y: number, color: string): string {
  switch (kind % 4) {
    case 0: return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3.5" fill="${color}"/>`;
    case 1: return `<rect x="${(x - 3.5).toFixed(1)}" y="${(y - 3.5).toFixed(1)}" width="7" height="7" fill="${color}"/>`;
    case 2: return `<path d="M${x.toFixed(1)} ${(y - 4.5).toFixed(1)} l4.5 8 h-9 z" fill="${color}"/>`;
    default: return `<path d="M${x.toFixed(1)} ${(y - 4.5).toFixed(1)} l4.5 4.5 l-4.5 4.5 l-4.5 -4.5 z" fill="none" stroke="${color}" stroke-width="1.5"/>`;
  }
}

/** Levels 0-100 % over time; x from the first to the last point, labelled with `fmtDay`. */
export function lineChart(id: string, title: string, series: LineSeries[], fmtDay: (t: number) => string): string {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return `<p class="empty" id="${esc(id)}">${esc(title)}: no data (no supply levels read in the period).</p>`;
  const t0 = Math.min(...all.map((p) => p.t));
  const t1 = Math.max(t0 + 86_400_000, ...all.map((p) => p.t));
  const x = (t: number) => M.left + ((t - t0) / (t1 - t0)) * PW;
  const y = (v: number) => M.top + PH - (v / 100) * PH;
  const xt = [0, 0.25, 0.5, 0.75, 1].map((f) => t0 + f * (t1 - t0))
    .map((t) => `<text x="${x(t).toFixed(1)}" y="${H - M.bottom + 14}" text-anchor="middle" font-size="10" fill="#333">${esc(fmtDay(t))}</text>`).join('');
  const lines = series.map((s, i) => {
    const color = SWATCH[(s.color ?? '').toLowerCase()] ?? ['#222', '#555', '#777', '#333'][i % 4]!;
    const pts = s.points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
    const last = s.points[s.points.length - 1]!;
    const step = Math.max(1, Math.floor(s.points.length / 12));
    const marks = s.points.filter((_, j) => j % step === 0 || j === s.points.length - 1).map((p) => marker(i, x(p.t), y(p.v), color)).join('');
    return `<g class="series"><title>${esc(`${s.label}: ${last.v} % at the last read`)}</title><polyline points="${pts}" fill="none" stroke="${color}" stroke-width="2"${DASHES[i % DASHES.length] ? ` stroke-dasharray="${DASHES[i % DASHES.length]}"` : ''}/>${marks}`
      + `<text x="${(x(last.t) + 8).toFixed(1)}" y="${(y(last.v) + 4 + (i % 3) * 0).toFixed(1)}" font-size="11" fill="#111">${esc(`${s.label} ${last.v} %`.slice(0, 28))}</text></g>`;
  }).join('\n');
  return `<svg id="${esc(id)}" class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${esc(id)}-t" xmlns="http://www.w3.org/2000/svg">
<title id="${esc(id)}-t">${esc(title)}</title>${yAxis(100, (n) => `${n} %`)}${xt}
<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + PH}" stroke="#333"/><line x1="${M.left}" x2="${M.left + PW}" y1="${M.top + PH}" y2="${M.top + PH}" stroke="#333"/>
${lines}</svg>`;
}
