/**
 * Named parsers for pages that data rules cannot describe (repeated blocks whose
 * meaning sits in sibling fields, values drawn as bar heights). Profiles name them
 * in "parser". Each returns raw values; extract.ts checks them like any other.
 */
import type { WebTarget } from './types.js';

export interface RawValue {
  target: WebTarget;
  raw: unknown;
  selector: string;
}

type Doc = { body: string; $?: import('cheerio').CheerioAPI; json?: unknown };
export type Parser = (doc: Doc) => RawValue[];

/** Letter codes printers use for colorants (HP label codes, Epson tank names). */
const COLOR_CODES: Record<string, string> = {
  K: 'black', BK: 'black', C: 'cyan', M: 'magenta', Y: 'yellow',
  PB: 'photoBlack', MK: 'matteBlack', LC: 'lightCyan', LM: 'lightMagenta', GY: 'gray', R: 'red',
};

function colorName(s: string): string | null {
  const t = s.trim();
  if (COLOR_CODES[t.toUpperCase()]) return COLOR_CODES[t.toUpperCase()]!;
  const word = t.toLowerCase();
  return /^(black|cyan|magenta|yellow)$/.test(word) ? word : null;
}

/**
 * HP LEDM /DevMgmt/ConsumableConfigDyn.xml: one ConsumableInfo per supply with
 * ConsumableLabelCode (K, C, M, Y, CMY for tri-colour heads), ConsumableTypeEnum and
 * ConsumablePercentageLevelRemaining. Structure per aiohpprinter's saved pages.
 */
const hpLedmConsumables: Parser = ({ $ }) => {
  if (!$) return [];
  const out: RawValue[] = [];
  $('ConsumableInfo').each((i, el) => {
    const info = $(el);
    const pct = info.children('ConsumablePercentageLevelRemaining').first();
    if (!pct.length) return;
    const code = info.children('ConsumableLabelCode').first().text().trim();
    const marker = info.children('MarkerColor').first().text().trim();
    const type = info.children('ConsumableTypeEnum').first().text().trim() || 'other';
    const color = colorName(code) ?? colorName(marker) ?? (code ? code.toLowerCase() : null);
    out.push({
      target: { kind: 'supply', type: type === 'inkCartridge' ? 'ink' : type, color },
      raw: pct.text(),
      selector: `ConsumableInfo[${i}] ConsumablePercentageLevelRemaining (${code || marker || '?'})`,
    });
  });
  return out;
};

/**
 * Samsung SyncThru /sws/app/information/home/home.json: toner_<color> and drum_<color>
 * objects; opt 0 means not installed (pysyncthru reads it the same way).
 */
const syncthruSupplies: Parser = ({ json }) => {
  if (!json || typeof json !== 'object') return [];
  const data = json as Record<string, unknown>;
  const out: RawValue[] = [];
  for (const [prefix, type] of [['toner', 'toner'], ['drum', 'opc']] as const) {
    for (const color of ['black', 'cyan', 'magenta', 'yellow']) {
      const key = `${prefix}_${color}`;
      const s = Object.hasOwn(data, key) ? data[key] : undefined;
      if (!s || typeof s !== 'object') continue;
      const o = s as Record<string, unknown>;
      if (!o.opt || o.opt === 0 || o.opt === '0') continue;
      if (!Object.hasOwn(o, 'remaining')) continue;
      out.push({ target: { kind: 'supply', type, color }, raw: o.remaining, selector: `${key}.remaining` });
    }
  }
  return out;
};

/**
 * Epson status page (PRTINFO): li.tank with div.clrname (BK, C, M, Y, ...) and a bar
 * image whose height is 50 px at full (ha-epson-workforce reads it the same way).
 * The maintenance box row (div.mbicn) is left out: its bar direction is not documented.
 */
const epsonInkTanks: Parser = ({ $ }) => {
  if (!$) return [];
  const out: RawValue[] = [];
  $('li.tank').each((i, el) => {
    const li = $(el);
    // The maintenance box (waste ink) is drawn like a tank, marked by its icon; its bar is
    // the service life left, i.e. the receptacle's remaining space (RFC 3805's level).
    const box = li.find('.mbicn').length > 0;
    const code = box ? 'maintenance box' : li.find('.clrname').first().text().trim();
    const color = box ? null : colorName(code);
    if (!box && !color) return;
    const img = li.find('div.tank img').first();
    let px: string | undefined = img.attr('height');
    if (px === undefined) {
      const m = /height\s*:\s*([^;]+)/i.exec(li.find('div.tank').first().attr('style') ?? '');
      px = m?.[1]?.replace(/px$/i, '').trim();
    }
    if (px === undefined) return;
    // Only plain whole pixel counts are scaled; anything else goes through as-is and is refused.
    const raw = /^\d{1,3}$/.test(px) ? String(Number(px) * 2) : px;
    out.push({ target: { kind: 'supply', type: box ? 'wasteInk' : 'ink', color }, raw, selector: `li.tank[${i}] img@height x2 (${code})` });
  });
  return out;
};

export const PARSERS: Record<string, Parser> = { hpLedmConsumables, syncthruSupplies, epsonInkTanks };
