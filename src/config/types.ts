/** The typed Config, derived from the schema table so the two can never disagree. */
import type { KeySpec, NAMED_SCHEMA, SCHEMA } from './schema.js';

type Base<K extends KeySpec> = K['type'] extends 'int' ? number
  : K['type'] extends 'bool' ? boolean
  : K['type'] extends 'duration' ? number // milliseconds
  : K['type'] extends 'int-list' ? number[]
  : K['type'] extends 'list' | 'secret-list' | 'url-list' | 'targets' ? string[]
  : K['type'] extends 'enum' ? (K['values'] extends readonly (infer V)[] ? V : string)
  : string;

type Value<K extends KeySpec> = K extends { default: string } ? Base<K>
  : K extends { required: true } ? Base<K>
  : K['type'] extends 'int-list' | 'list' | 'secret-list' | 'url-list' | 'targets' ? Base<K>
  : Base<K> | null;

type SectionOf<S extends Record<string, KeySpec>> = { -readonly [P in keyof S]: Value<S[P]> };

export type Config = { -readonly [S in keyof typeof SCHEMA]: SectionOf<(typeof SCHEMA)[S]> } & {
  /** Filled by the loader when config.ini leaves them out (host name; platform data folder). */
  agent: { id: string; data_dir: string };
  /** [snmpv3.NAME] sections, in file order. */
  snmpv3: Array<{ name: string } & SectionOf<(typeof NAMED_SCHEMA)['snmpv3']>>;
  /** [device.ADDRESS] sections, by address or host name. */
  device: Record<string, SectionOf<(typeof NAMED_SCHEMA)['device']>>;
  /** The file this came from, or null for built-in defaults. */
  file: string | null;
};

export type SnmpV3User = Config['snmpv3'][number];
