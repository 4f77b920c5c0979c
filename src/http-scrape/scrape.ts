/**
 * scrapeDevice: fetch the pages the device's web profile lists and read them.
 * Never throws for anything the printer does; problems become per-device notes.
 */
import type { Reading } from '../reading/types.js';
import { loadWebProfiles, matchWebProfile } from './profiles.js';
import { pageTargets, readingHas, targetName } from './targets.js';
import type { PageSpec, ScrapeOptions, WebProfile, WebResult } from './types.js';

/** Whether a device's pages are read: device switch first, then site switch and the profile's default. */
export function webWanted(profile: WebProfile | null, o: Pick<ScrapeOptions, 'enabled' | 'deviceWeb'>): boolean {
  if (!profile) return false;
  if (o.deviceWeb === true) return true;
  if (o.deviceWeb === false) return false;
  return o.enabled && profile.onByDefault;
}

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export function baseUrlFor(reading: Reading, o: ScrapeOptions): string {
  if (o.baseUrl) return o.baseUrl.replace(/\/+$/, '');
  const host = hostForUrl(reading.identity.ip ?? reading.host);
  return `http://${host}${o.port ? `:${o.port}` : ''}`;
}

type Extract = typeof import('./extract.js');

function pageHeaders(p: PageSpec, base: string): Record<string, string> | undefined {
  if (!p.headers) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.headers)) {
    // A Referer is written as a path; make it a URL on the same printer.
    out[k.toLowerCase()] = k.toLowerCase() === 'referer' && v.startsWith('/') ? base + v : v;
  }
  return out;
}

export async function scrapeDevice(reading: Reading, o: ScrapeOptions): Promise<WebResult> {
  const profiles = o.profiles ?? loadWebProfiles(undefined, o.dataDir);
  const profile = matchWebProfile(reading, profiles);
  const result: WebResult = { host: reading.host, profile: profile?.name ?? null, values: [], notes: [], pages: [] };
  if (!webWanted(profile, o)) return result;
  const base = baseUrlFor(reading, o);
  const got = new Set<string>();
  // A page whose every value SNMP already gave adds nothing: it is not asked for.
  const pages = profile!.pages.filter((page) => {
    const targets = pageTargets(page);
    return targets.length === 0 || !targets.every((t) => readingHas(reading, t));
  });
  if (pages.length === 0) return result;
  // The HTTP client and the HTML parser load only for devices whose pages are read:
  // a fleet read without web pages stays small.
  const { fetchPage } = await import('./fetch.js');
  let ex: Extract | null = null;
  for (const page of pages) {
    if (page.onlyIfMissing && pageTargets(page).some((t) => got.has(targetName(t)))) continue;
    const url = base + page.path;
    const r = await fetchPage(url, {
      timeoutMs: o.timeoutMs,
      maxBytes: o.maxBytes,
      maxRedirects: o.maxRedirects ?? 5,
      user: o.user,
      password: o.password,
      headers: pageHeaders(page, base),
    });
    result.pages.push({ url, status: r.status, bytes: r.bytes, ms: r.ms });
    if (!r.ok) {
      if (page.optional && (r.status === 404 || r.status === 410)) continue;
      result.notes.push(`${url}: ${r.note}`);
      if (r.fatal) {
        const left = pages.length - result.pages.length;
        if (left > 0) result.notes.push(`${base}: ${left} more page(s) skipped after that`);
        break;
      }
      continue;
    }
    ex ??= await import('./extract.js');
    const loaded = ex.loadPage(page, r.body);
    if ('note' in loaded) {
      result.notes.push(`${url}: page ${loaded.note}; layout not recognised, nothing read from it`);
      continue;
    }
    const { values, notes } = ex.extractPage(page, loaded.doc, url);
    result.notes.push(...notes);
    if (values.length === 0 && notes.length === 0) {
      result.notes.push(`${url}: none of the expected values found (other firmware or language?)`);
    }
    for (const v of values) got.add(targetName(v.target));
    result.values.push(...values);
  }
  return result;
}
