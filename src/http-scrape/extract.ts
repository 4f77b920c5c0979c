/**
 * Pure page reading: page text + page description -> values and notes. No I/O.
 * Every raw value goes through the strict number/text checks before it is kept.
 */
import * as cheerio from 'cheerio';
import type { CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { parseJsObject } from './jsobject.js';
import { parseCount, parsePercent, parseText } from './numbers.js';
import { PARSERS, type RawValue } from './parsers.js';
import { targetName, targetOf } from './targets.js';
import type { FindSpec, PageSpec, WebTarget, WebValue } from './types.js';

export interface PageDoc {
  body: string;
  $?: CheerioAPI;
  json?: unknown;
}

export interface Extracted {
  values: WebValue[];
  notes: string[];
}

/** Remove XML namespace prefixes from tag names so selectors read "PrinterSubunit > TotalImpressions". */
function stripXmlPrefixes(xml: string): string {
  return xml.replace(/<(\/?)[A-Za-z_][\w.-]*:(?=[A-Za-z_])/g, '<$1');
}

/** Load the page in its format; a note instead of a throw when it does not parse. */
export function loadPage(page: PageSpec, body: string): { doc: PageDoc } | { note: string } {
  try {
    switch (page.format) {
      case 'html':
        return { doc: { body, $: cheerio.load(body) } };
      case 'xml':
        if (!/^\s*(<\?xml|<!--|<[A-Za-z])/.test(body)) return { note: 'is not XML' };
        return { doc: { body, $: cheerio.load(stripXmlPrefixes(body), { xml: true }) } };
      case 'json':
        return { doc: { body, json: JSON.parse(body) } };
      case 'jsobject':
        return { doc: { body, json: parseJsObject(body) } };
      case 'text':
        return { doc: { body } };
    }
  } catch (e) {
    return { note: `could not be parsed as ${page.format} (${(e as Error).message.slice(0, 80)})` };
  }
}

const SKIP_TAGS = new Set(['script', 'style', 'noscript', 'head', 'title']);

function ownText($: CheerioAPI, el: Element): string {
  return $(el).contents().toArray()
    .filter((n) => n.type === 'text')
    .map((n) => (n as unknown as { data: string }).data)
    .join(' ').replace(/[\s\u00a0]+/g, ' ').trim();
}

function insideSkipped(el: Element): boolean {
  for (let p: AnyNode | null = el; p; p = p.parent) {
    if (p.type === 'tag' || p.type === 'script' || p.type === 'style') {
      if (SKIP_TAGS.has((p as Element).name?.toLowerCase())) return true;
    }
  }
  return false;
}

/** The text of the cell that follows a label: next non-empty sibling, climbing out of wrappers. */
function valueAfterLabel($: CheerioAPI, el: Element): string | null {
  for (let cur: Element | null = el; cur && cur.type === 'tag'; cur = cur.parent as Element | null) {
    let sib = $(cur).next();
    while (sib.length) {
      const t = sib.text().replace(/[\s\u00a0]+/g, ' ').trim();
      if (t !== '' && !/^[:=\-\s]+$/.test(t)) return t;
      sib = sib.next();
    }
  }
  return null;
}

function safeRegex(src: string): RegExp | null {
  try { return new RegExp(src, 'i'); } catch { return null; }
}

function jsonAt(json: unknown, path: string): unknown {
  let cur: unknown = json;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function describeFind(f: FindSpec): string {
  if (f.sum) return `sum(${f.sum.map(describeFind).join(' + ')})`;
  const parts: string[] = [];
  if (f.path) parts.push(f.path);
  if (f.selector) parts.push(f.attr ? `${f.selector} @${f.attr}` : f.selector);
  if (f.label) parts.push(f.after ? `label /${f.after}/ … /${f.label}/` : `label /${f.label}/`);
  if (f.regex) parts.push(`/${f.regex}/`);
  return parts.join(' ');
}

/** Find one raw value; null when the page does not have it. */
function find(doc: PageDoc, f: FindSpec): unknown {
  if (f.sum) {
    let total = 0;
    for (const part of f.sum) {
      const raw = find(doc, part);
      if (raw === null || raw === undefined) return null;
      const c = parseCount(raw);
      if (!c.ok) return raw; // let the caller report the bad part
      total += c.value;
    }
    return total;
  }
  let text: unknown = null;
  if (f.path !== undefined) {
    text = jsonAt(doc.json, f.path);
    if (text === undefined) return null;
  } else if (f.selector !== undefined) {
    if (!doc.$) return null;
    let sel;
    try { sel = doc.$(f.selector).first(); } catch { return null; }
    if (!sel.length) return null;
    text = f.attr ? sel.attr(f.attr) ?? null : sel.text();
    if (text === null) return null;
  } else if (f.label !== undefined) {
    const $ = doc.$;
    const re = safeRegex(f.label);
    const after = f.after !== undefined ? safeRegex(f.after) : null;
    if (!$ || !re || (f.after !== undefined && !after)) return null;
    let seen = after === null;
    for (const el of $('*').toArray() as Element[]) {
      if (insideSkipped(el)) continue;
      const own = ownText($, el);
      if (!seen) { if (after!.test(own)) seen = true; continue; }
      if (re.test(own)) { text = valueAfterLabel($, el); break; }
    }
    if (text === null) return null;
  } else {
    text = doc.body;
  }
  if (f.regex !== undefined) {
    const re = safeRegex(f.regex);
    if (!re) return null;
    const m = re.exec(String(text));
    if (!m) return null;
    return m[1] ?? m[0];
  }
  return text;
}

/** Check a raw value for its target; the kept value or a reason. */
export function checkValue(t: WebTarget, raw: unknown): { ok: true; value: number | string } | { ok: false; reason: string } {
  switch (t.kind) {
    case 'counter':
    case 'extra': return parseCount(raw);
    case 'supply': return parsePercent(raw);
    case 'identity': return parseText(raw);
  }
}

/** Read every value a page description asks for. */
export function extractPage(page: PageSpec, doc: PageDoc, url: string): Extracted {
  const values: WebValue[] = [];
  const notes: string[] = [];
  const keep = (target: WebTarget, raw: unknown, selector: string) => {
    const c = checkValue(target, raw);
    if (c.ok) values.push({ target, value: c.value, url, selector });
    else notes.push(`${url}: ${targetName(target)} not taken: ${c.reason} (${selector})`);
  };
  for (const rule of page.values ?? []) {
    const target = targetOf(rule);
    if (!target) continue; // validated when profiles load
    let raw = find(doc, rule);
    if (raw === null || raw === undefined) continue;
    if (rule.round && typeof raw === 'string' && /^\s*\d{1,3}(,\d{3})*\.\d{1,2}\s*$|^\s*\d+\.\d{1,2}\s*$/.test(raw)) {
      raw = String(Math.round(Number(raw.replace(/[,\s]/g, ''))));
    }
    keep(target, raw, describeFind(rule));
  }
  if (page.parser) {
    const parser = PARSERS[page.parser];
    if (parser) {
      let raws: RawValue[] = [];
      try { raws = parser(doc); } catch (e) { notes.push(`${url}: parser ${page.parser} failed (${(e as Error).message.slice(0, 80)})`); }
      for (const r of raws) keep(r.target, r.raw, `${page.parser}: ${r.selector}`);
    }
  }
  return { values, notes };
}
