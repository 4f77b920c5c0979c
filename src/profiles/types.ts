/**
 * A vendor profile: data (YAML) that tells the generic engine how to read a vendor's
 * private MIB. Format documented in docs/profiles.md; built-ins live in registry/<family>/snmp.yaml.
 * The format's one description is registry/profile.schema.json; test/registry/types.test.ts
 * checks that these types and the schema name the same keys.
 */
import type { CounterKey, CounterUnit, SupplyState } from '../reading/types.js';

export interface ProfileMatch {
  /** sysObjectID prefixes (dotted, no leading dot). */
  sysObjectID?: string[];
  /** IANA enterprise numbers: the 7th arc of sysObjectID. */
  enterprise?: number[];
  /** Case-insensitive regular expression tested against sysDescr. */
  sysDescr?: string;
  /** An OID that answers (with a value, not an exception) only on this vendor's devices. */
  oid?: string;
}

/** Where one identity value comes from; alternatives are tried in order. */
export interface ValueSpec {
  oid?: string;
  /** Read the sysDescr instead of an OID. */
  sysDescr?: boolean;
  /** Read the IEEE 1284 device ID (src/profiles/values.ts DEVICE_ID); the loader sets `oid` to it. */
  deviceId?: boolean;
  /** IEEE 1284 device ID field to pick from the string (e.g. MDL, MODEL). */
  field?: string;
  /** Regular expression; capture group 1 (or the whole match) is the value. */
  pattern?: string;
}

export type IdentityField = 'serial' | 'model' | 'firmware';

export interface ScalarCounter {
  key: string;
  /** Alternatives: the first that answers wins. */
  oid?: string | string[];
  /** Added together (e.g. scan to e-mail + scan to folder); answered parts only. */
  sum?: string[];
  unit?: CounterUnit;
}

export interface TableCounter {
  /** Column holding the counts; a row's index is the OID suffix after it. */
  values: string;
  /** Column holding each row's type code (Ricoh, Lexmark); rows map by that code. */
  codes?: string;
  /** Column holding each row's name (Sharp, Canon LBP); rows map by that name. */
  names?: string;
  /** Column holding each row's unit code, mapped with `unitCodes`. */
  units?: string;
  unitCodes?: Record<string, CounterUnit>;
  /** Without codes or names, rows map by their index (Canon counter ids, Kyocera function.colour). */
  /** Row (code, name or index) -> counter key, or several keys (a sum and the row by name). */
  rows: Record<string, string | string[]>;
  /** Keep rows not in `rows` as extra counters, named `<prefix><name or code>`. */
  keepOthers?: boolean;
  othersPrefix?: string;
  unit?: CounterUnit;
}

export type CounterSpec = ScalarCounter | { table: TableCounter };

export interface SupplyWhen {
  level?: number[];
  max?: number[];
  type?: string[];
  class?: string[];
  /** Case-insensitive regex on the description. */
  description?: string;
  /** Case-insensitive regex on the device model (identity.model or sysDescr). */
  model?: string;
}

export interface SupplyRule {
  /** Short name shown in sources (e.g. "ricoh-near-end"). */
  name: string;
  note?: string;
  when: SupplyWhen;
  /** Raw level -> state, for vendors that encode states as levels. */
  levelStates?: Record<string, SupplyState>;
  state?: SupplyState;
  /** Drop the percentage: the level is a code or a coarse step, not a measure. */
  noPercent?: boolean;
  /** The level counts the opposite way to RFC 3805 (e.g. waste toner reported as fill). */
  invert?: boolean;
  /** Description fixes: hex-encoded text, NULs and line breaks (HP two-line descriptions). */
  cleanDescription?: boolean;
}

export interface Profile {
  name: string;
  vendor?: string;
  description?: string;
  /** Where the facts come from (project and file). */
  sources?: string[];
  /** Breaks ties between profiles matching at the same strength; default 0. */
  priority?: number;
  /** Own match rules; absent for a profile in a family folder, which its family's vendor.json matches. */
  match?: ProfileMatch;
  /**
   * Name of a profile whose counters, derive and supplies this one also uses, after its own
   * (OEM devices that implement another maker's MIB: Fuji Xerox answers Xerox's counter table).
   * Identity is not inherited. Resolved by the loader.
   */
  extends?: string;
  identity?: Partial<Record<IdentityField, ValueSpec[]>>;
  /** Replace identity values the Printer-MIB already gave; default false (fill gaps only). */
  identityOverride?: IdentityField[];
  counters?: CounterSpec[];
  /** key -> "a + b - c" over counter keys, computed only when the key is still missing. */
  derive?: Record<string, string>;
  supplies?: SupplyRule[];
  /** Where this profile was loaded from ("builtin" or a file path). Set by the loader. */
  origin?: string;
  /** The registry family whose folder holds this profile. Set by the loader. */
  family?: string;
}
