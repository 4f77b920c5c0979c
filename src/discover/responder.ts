/**
 * What happens to an address that answered a sweep probe: settle the credential it answers
 * to, then gather its facts (facts.ts) over the same session layer a read uses
 * (src/snmp/session.ts, net-snmp), one short session per responder. The sweep's own
 * socket and hand-written codec serve only the probes.
 *
 * net-snmp is loaded when the first responder needs it, so a sweep's first probes do not
 * wait for it (and a sweep that finds nothing never loads it).
 */
import type { Profile } from '../profiles/types.js';
import type { Credential } from '../snmp/credentials.js';
import type { SnmpSession } from '../snmp/session.js';
import { isException, type Varbind } from '../snmp/types.js';
import { OID, PROBE_OIDS, factsFromProbe, gatherFacts, stripUndefined, type DeviceFacts, type SnmpOps } from './facts.js';

type SessionModule = typeof import('../snmp/session.js');
let sessionModule: Promise<SessionModule> | null = null;
const sessions = (): Promise<SessionModule> => (sessionModule ??= import('../snmp/session.js'));

export interface IdentifyOptions {
  port: number;
  timeoutMs: number;
  retries: number;
  /** Gather facts beyond the probe's system group (default true). */
  identify: boolean;
  profiles: readonly Profile[];
}

export interface Identified {
  credential: Credential;
  facts: DeviceFacts;
  /** False when identification got no answer (facts come from the probe only). */
  identified: boolean;
}

/** SnmpOps over a session: answers in the order asked, null where there is none; a silent device is not asked again. */
function sessionOps(session: SnmpSession): SnmpOps {
  let silent = false;
  const guard = async (oids: readonly string[], ask: () => Promise<Array<Varbind | null>>): Promise<Array<Varbind | null>> => {
    if (silent || oids.length === 0) return oids.map(() => null);
    try {
      return await ask();
    } catch (e) {
      // A timeout ends the conversation (every next question would wait one too); an error only this answer.
      if (e instanceof Error && e.name === 'SnmpError' && (e as { kind?: string }).kind === 'timeout') silent = true;
      return oids.map(() => null);
    }
  };
  return {
    get: (oids) => guard(oids, async () => {
      const got = new Map((await session.get([...oids])).map((vb) => [vb.oid, vb]));
      return oids.map((oid) => {
        const vb = got.get(oid);
        return vb && !isException(vb) ? vb : null;
      });
    }),
    getNext: (oids) => guard(oids, () => session.getNext([...oids])),
  };
}

/** Identifies responders; `stop()` (Ctrl-C) closes every session so the jobs end at once. */
export class Identifier {
  private readonly open = new Set<SnmpSession>();
  private stopped = false;

  constructor(private readonly o: IdentifyOptions) {}

  stop(): void {
    this.stopped = true;
    for (const s of this.open) s.close();
    this.open.clear();
  }

  /**
   * A device that answered a community probe. The v1 reply can overtake the v2c one; the
   * device keeps v2c (GETBULK for reads) when it answers it too.
   */
  async community(ip: string, answered: Credential, sameCommunity: readonly Credential[], probe: readonly Varbind[]): Promise<Identified> {
    const seed = factsFromProbe(probe);
    let credential = answered;
    const v2c = sameCommunity.find((c) => c.version === '2c');
    if (answered.version === '1' && v2c) {
      const check = await this.session(ip, v2c, 0, async (s) => (await sessionOps(s).get([OID.sysObjectID]))[0]);
      if (check) credential = v2c;
    }
    if (!this.o.identify) return { credential, facts: seed, identified: false };
    return (await this.session(ip, credential, this.o.retries, (s) => this.gather(s, credential, seed)))
      ?? { credential, facts: seed, identified: false };
  }

  /**
   * A device that answered SNMPv3 engine discovery: each user in turn. A refused user
   * (unknown name, wrong key) costs one round trip, a silent one a timeout. Null when
   * every user was refused; undefined when stopped.
   */
  async v3(ip: string, users: readonly Credential[]): Promise<Identified | null | undefined> {
    for (const user of users) {
      if (this.stopped) return undefined;
      const found = await this.session(ip, user, this.o.retries, async (s) => {
        let check: Varbind[];
        try {
          check = await s.get([...PROBE_OIDS]);
        } catch {
          return null; // refused, silent or garbled: the next user
        }
        const seed = factsFromProbe(check);
        return this.o.identify ? this.gather(s, user, seed) : { credential: user, facts: seed, identified: false };
      });
      if (found) return found;
    }
    return this.stopped ? undefined : null;
  }

  private async gather(s: SnmpSession, credential: Credential, seed: DeviceFacts): Promise<Identified> {
    const got = await gatherFacts(sessionOps(s), this.o.profiles);
    const identified = got.sysDescr !== undefined || got.sysObjectID !== undefined || got.printerMibOid !== undefined;
    return { credential, facts: identified ? { ...seed, ...stripUndefined(got) } : seed, identified };
  }

  /** Run `use` over a fresh session to ip; null when stopped before it. */
  private async session<T>(ip: string, credential: Credential, retries: number, use: (s: SnmpSession) => Promise<T>): Promise<T | null> {
    if (this.stopped) return null;
    const { SnmpSession } = await sessions();
    if (this.stopped) return null;
    const s = new SnmpSession(ip, credential, { port: this.o.port, timeoutMs: this.o.timeoutMs, retries, maxRepetitions: 8 });
    this.open.add(s);
    try {
      return await use(s);
    } finally {
      this.open.delete(s);
      s.close();
    }
  }
}
