/** What `amr simulate` does, apart from argument parsing: load, assign addresses, serve, list. */
import { AUTH_PROTOCOLS, PRIV_PROTOCOLS, type AuthProtocol, type PrivProtocol, type UsmUser } from '../snmp/usm.js';
import { loadRecording, recordingFiles } from './load.js';
import { startSimulator, type Simulator } from './simulator.js';

export interface SimulateOptions {
  /** First address: "127.0.1" means 127.0.1.1, "127.0.1.10" starts there. */
  base?: string;
  port?: number;
  communities?: string[];
  /** "name:authProto:authPass[:privProto:privPass]" */
  v3Users?: string[];
  maxMessageSize?: number;
}

export interface SimulateResult {
  simulator: Simulator;
  /** One line per device: "127.0.1.1:1161 brother.snmprec". */
  lines: string[];
  /** Recording lines that could not be parsed and are not served. */
  warnings: string[];
}

/** Consecutive loopback addresses from `base`, skipping .0 and .255 host octets. */
export function fleetAddresses(base: string, count: number): string[] {
  const parts = base.split('.').map(Number);
  if (parts.length === 3) parts.push(1);
  if (parts.length !== 4 || parts[0] !== 127 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`--base must be a 127.x.y or 127.x.y.z address, not "${base}"`);
  }
  let n = ((parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
  const out: string[] = [];
  while (out.length < count) {
    if (n > 0xffffff) throw new Error(`not enough 127.0.0.0/8 addresses after ${base} for ${count} devices`);
    const last = n & 0xff;
    if (last !== 0 && last !== 255) out.push(`127.${(n >> 16) & 0xff}.${(n >> 8) & 0xff}.${last}`);
    n++;
  }
  return out;
}

export function parseV3User(spec: string): UsmUser {
  const [name, auth, authKey, priv, privKey, ...rest] = spec.split(':');
  const bad = (why: string) => new Error(`--v3-user "${spec}": ${why} (expected name:authProto:authPass[:privProto:privPass])`);
  if (!name || rest.length > 0) throw bad('wrong number of fields');
  const user: UsmUser = { name };
  if (auth !== undefined) {
    if (!AUTH_PROTOCOLS.includes(auth as AuthProtocol)) throw bad(`auth protocol must be one of ${AUTH_PROTOCOLS.join(', ')}`);
    if (!authKey) throw bad('missing auth password');
    user.authProtocol = auth as AuthProtocol;
    user.authKey = authKey;
  }
  if (priv !== undefined) {
    if (!PRIV_PROTOCOLS.includes(priv as PrivProtocol)) throw bad(`priv protocol must be one of ${PRIV_PROTOCOLS.join(', ')}`);
    if (!privKey) throw bad('missing priv password');
    user.privProtocol = priv as PrivProtocol;
    user.privKey = privKey;
  }
  return user;
}

export async function runSimulate(paths: readonly string[], opts: SimulateOptions = {}): Promise<SimulateResult> {
  const files = recordingFiles(paths);
  if (files.length === 0) throw new Error('no .snmprec recordings found');
  const port = opts.port ?? 1161;
  const addresses = fleetAddresses(opts.base ?? '127.0.1', files.length);
  const v3Users = (opts.v3Users ?? []).map(parseV3User);
  const recordings = files.map(loadRecording);
  const simulator = await startSimulator({
    devices: recordings.map((r, i) => ({
      address: addresses[i]!, port, name: r.name, varbinds: r.varbinds,
      communities: opts.communities ?? ['public'], v3Users,
      ...(opts.maxMessageSize !== undefined ? { maxMessageSize: opts.maxMessageSize } : {}),
    })),
  });
  const lines = simulator.devices.map((d) => `${d.address}:${d.port} ${d.name}`);
  return { simulator, lines, warnings: recordings.flatMap((r) => r.skipped.map((w) => `skipped ${w}`)) };
}
