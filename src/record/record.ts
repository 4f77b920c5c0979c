/**
 * `amr record`: capture what the agent reads from one device, plus the vendor's
 * enterprise subtree, as a masked .snmprec that the simulator can replay.
 */
import type { Credential } from '../snmp/credentials.js';
import { SnmpError, SnmpSession, type SessionOptions } from '../snmp/session.js';
import { compareOids, isException, type Varbind } from '../snmp/types.js';
import { profileRequests } from '../profiles/requests.js';
import { selectProfile } from '../profiles/select.js';
import type { Profile } from '../profiles/types.js';
import { maskVarbinds, type MaskOptions } from './mask.js';
import { errorMessage } from '../errors.js';

/** The standard subtrees the agent reads, walked whole so a replay answers any of its requests. */
export const RECORD_SUBTREES = [
  '1.3.6.1.2.1.1',            // system
  '1.3.6.1.2.1.2.2.1.1',      // ifIndex
  '1.3.6.1.2.1.2.2.1.2',      // ifDescr
  '1.3.6.1.2.1.2.2.1.3',      // ifType
  '1.3.6.1.2.1.2.2.1.6',      // ifPhysAddress
  '1.3.6.1.2.1.4.20',         // ipAddrTable
  '1.3.6.1.2.1.25.3.2',       // hrDeviceTable
  '1.3.6.1.2.1.25.3.5',       // hrPrinterTable
  '1.3.6.1.2.1.43',           // Printer-MIB
];

export interface RecordResult {
  varbinds: Varbind[];
  profile: string | null;
  credential: string;
  /** Subtrees that could not be walked (recorded anyway, without them). */
  problems: string[];
}

export async function recordDevice(
  host: string, credentials: Credential[], session: SessionOptions, profiles: Profile[], mask: MaskOptions,
): Promise<RecordResult> {
  const errors: string[] = [];
  for (const credential of credentials) {
    const s = new SnmpSession(host, credential, session);
    try {
      const system = await s.walk('1.3.6.1.2.1.1', 1000);
      if (system.length === 0) throw new SnmpError('device answered but has no system group', 'protocol');
      const problems: string[] = [];
      const all = new Map<string, Varbind>();
      const add = (vbs: Varbind[]) => { for (const vb of vbs) if (!isException(vb)) all.set(vb.oid, vb); };
      add(system);
      for (const subtree of RECORD_SUBTREES.slice(1)) {
        try { add(await s.walk(subtree)); } catch (e) { problems.push(`${subtree}: ${errorMessage(e)}`); }
      }
      const profile = selectProfile([...all.values()], profiles);
      const objectId = all.get('1.3.6.1.2.1.1.2.0')?.value;
      const enterprise = typeof objectId === 'string' && objectId.startsWith('1.3.6.1.4.1.') ? objectId.split('.').slice(0, 7).join('.') : null;
      const extraWalks = new Set<string>(enterprise ? [enterprise] : []);
      const req = profile ? profileRequests(profile) : { walk: [], get: [] };
      for (const w of req.walk) if (!enterprise || !w.startsWith(enterprise + '.')) extraWalks.add(w);
      for (const subtree of extraWalks) {
        try { add(await s.walk(subtree, 20_000)); } catch (e) { problems.push(`${subtree}: ${errorMessage(e)}`); }
      }
      const missing = req.get.filter((o) => !all.has(o));
      if (missing.length) {
        try { add(await s.get(missing)); } catch (e) { problems.push(`profile scalars: ${errorMessage(e)}`); }
      }
      const serialOids = profile?.identity?.serial?.map((v) => v.oid).filter((o): o is string => !!o) ?? [];
      const varbinds = maskVarbinds([...all.values()].sort((a, b) => compareOids(a.oid, b.oid)), { ...mask, serialOids });
      return { varbinds, profile: profile?.name ?? null, credential: credential.label, problems };
    } catch (e) {
      errors.push(errorMessage(e));
      if (!(e instanceof SnmpError) || e.kind === 'protocol' || e.kind === 'network') break;
    } finally {
      s.close();
    }
  }
  throw new SnmpError([...new Set(errors)].join('; ') || 'no credential to try', 'timeout');
}
