/**
 * Web page reading: the shapes of the vendor page descriptions (registry/<family>/web.json)
 * and of what a scrape returns. Page knowledge is data; code only runs it.
 */
import type { CounterKey, CounterUnit } from '../reading/types.js';

/** Where a value goes in the Reading. Exactly one of the target fields is set on a rule. */
export type WebTarget =
  | { kind: 'counter'; key: CounterKey; unit: CounterUnit }
  | { kind: 'extra'; name: string; unit: CounterUnit }
  | { kind: 'supply'; type: string; color: string | null }
  | { kind: 'identity'; field: IdentityField };

export const IDENTITY_FIELDS = ['serial', 'model', 'firmware'] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];

/** How to find one raw value on a page; `sum` adds several finds (all must be found). */
export interface FindSpec {
  /** CSS selector (HTML, or XML with namespace prefixes removed); first match's text. */
  selector?: string;
  /** Read this attribute of the selected element instead of its text. */
  attr?: string;
  /** Regex (case-insensitive) matched against an element's own text; the value is the next cell. */
  label?: string;
  /** Only labels after the first element whose own text matches this regex (a section heading). */
  after?: string;
  /** Regex with one capture group: applied to the found text, or to the whole body when nothing else is given. */
  regex?: string;
  /** Dotted path into a JSON (or JavaScript-object) body, e.g. "toner_black.remaining". */
  path?: string;
  sum?: FindSpec[];
}

/** One value rule as written in a profile file. */
export interface ValueRule extends FindSpec {
  counter?: CounterKey;
  extra?: string;
  supply?: { type: string; color?: string | null };
  identity?: IdentityField;
  /** Unit of a counter; default "impressions". */
  unit?: CounterUnit;
  /** The page shows fractional equivalents ("1,234.50"): round to a whole count. */
  round?: boolean;
}

export type PageFormat = 'html' | 'xml' | 'json' | 'jsobject' | 'text';

export interface PageSpec {
  /** Path (with query) on the printer, starting with "/". */
  path: string;
  format: PageFormat;
  values?: ValueRule[];
  /** Named parser in src/http-scrape/parsers.ts, for pages data rules cannot describe. */
  parser?: string;
  /** Fetch only when earlier pages of the profile gave none of this page's targets (an older page generation). */
  onlyIfMissing?: boolean;
  /** Not every firmware has this page: a 404 is expected and not noted. */
  optional?: boolean;
  /** Extra request headers some pages insist on (Cookie, Referer as a path, Accept-Language). */
  headers?: Record<string, string>;
}

export interface WebProfile {
  name: string;
  /** For a file outside a family folder: the vendor as identification produces it, e.g. "HP"; compared case-insensitively. */
  vendor?: string;
  /** Optional regex (case-insensitive) on the model. */
  model?: string;
  /** Read by default: the pages add data SNMP does not give. */
  onByDefault: boolean;
  why: string;
  source: string;
  pages: PageSpec[];
  /** File it came from, for messages. Set by the loader. */
  file: string;
  /** The registry family whose folder holds it (registry/<family>/web.json). Set by the loader. */
  family?: string;
}

/** One value read from a page, with where it came from. */
export interface WebValue {
  target: WebTarget;
  value: number | string;
  /** Page URL without credentials. */
  url: string;
  /** The selector, label, regex, path or parser that found it. */
  selector: string;
}

export interface PageLog {
  url: string;
  status: number | null;
  bytes: number;
  ms: number;
}

export interface WebResult {
  host: string;
  profile: string | null;
  values: WebValue[];
  /** One line each: what went wrong with a page and what to do. */
  notes: string[];
  pages: PageLog[];
}

export interface ScrapeOptions {
  enabled: boolean;
  /** Per-device switch from [device.X] web; overrides `enabled` and the profile default. */
  deviceWeb?: boolean | null;
  timeoutMs: number;
  maxBytes: number;
  user?: string | null;
  password?: string | null;
  port?: number | null;
  /** http://127.1.2.3:8080 etc.; replaces http://HOST (tests, non-standard setups). */
  baseUrl?: string | null;
  maxRedirects?: number;
  /** Profiles to use instead of the shipped ones (tests). */
  profiles?: WebProfile[];
  /** Data folder whose profiles/<family>/web.json add to or replace the built-in web profiles. */
  dataDir?: string | null;
}
