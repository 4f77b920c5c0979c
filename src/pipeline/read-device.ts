/**
 * Reading one device: resolve it, find the credential it answers to, fetch only
 * the columns the decoders need, decode. Every failure becomes a Reading with
 * ok=false and one clear error; nothing here throws for a device's sake.
 */
import { lookup } from 'node:dns/promises';
import { isIPv4 } from 'node:net';
import { errorMessage } from '../errors.js';
import type { Credential } from '../snmp/credentials.js';
import { SnmpError, SnmpSession, type SessionOptions } from '../snmp/session.js';
import { isException, type Varbind } from '../snmp/types.js';
import { VarbindTable } from '../snmp/varbind-table.js';
import type { ReadExtension } from '../profiles/extension.js';
import { decodeReading } from '../reading/decode.js';
import { hostProblem } from '../reading/host.js';
import { MAX_TABLE_ROWS, READ_SCALARS, READ_TABLES } from '../reading/oids.js';
import { probePort, verdictMessage } from '../snmp/port-probe.js';
import { emptyReading, type Reading } from '../reading/types.js';

export interface ReadOptions extends SessionOptions {
  credentials: Credential[];
  /** A device's whole read, all credentials tried, is cut at this (ms); default DEVICE_TIME_LIMIT_MS. */
  deviceTimeLimitMs?: number;
  extension?: ReadExtension;
  /** Host name to IPv4 address; the default asks the system resolver (tests inject one). */
  resolve?: (host: string) => Promise<string>;
}

/** Table groups walked at the same time on one device: a few, to stay gentle. */
const PARALLEL_WALKS = 4;
/** A device's read time limit: a normal printer reads in well under 5 s, a slow v1 one in 20. */
export const DEVICE_TIME_LIMIT_MS = 60_000;

const systemResolve = async (host: string) => (await lookup(host, { family: 4 })).address;

export interface ReadResult {
  reading: Reading;
  /** Label of the credential that worked (never the secret itself). */
  credential: string | null;
  requests: number;
}

export async function readDevice(host: string, options: ReadOptions): Promise<ReadResult> {
  const failed = (error: string, requests = 0): ReadResult => {
    const reading = emptyReading(host);
    reading.ok = false;
    reading.error = error;
    return { reading, credential: null, requests };
  };
  const problem = hostProblem(host);
  if (problem) return failed(`${problem}; check the address`);
  let ip: string;
  try {
    ip = isIPv4(host) ? host : await (options.resolve ?? systemResolve)(host);
  } catch {
    return failed(`cannot resolve host name "${host}"; check the name or use the IP address`);
  }
  if (options.credentials.length === 0) return failed('no SNMP credentials configured ([snmp] communities or [snmpv3.NAME])');

  let requests = 0;
  const errors: SnmpError[] = [];
  const limit = options.deviceTimeLimitMs ?? DEVICE_TIME_LIMIT_MS;
  const sessionOptions: SessionOptions = { ...options, deadline: Math.min(options.deadline ?? Infinity, Date.now() + limit) };
  // In parallel with the first request: does anything listen on the port at all? A refusal
  // ends the read at once with its own reason instead of every credential timing out.
  const sessions = new Set<SnmpSession>();
  let stopped = false;
  const probeAbort = new AbortController();
  const probe = probePort(ip, options.port, Math.min(limit, options.timeoutMs * (options.retries + 1) * 2), probeAbort.signal);
  const refused = probe.then((v) => (v === 'silent' ? new Promise<never>(() => {}) : verdictMessage(v, ip, options.port)!));
  try {
    const outcome = await Promise.race([tryCredentials(), refused.then((message) => ({ refused: message }))]);
    if ('refused' in outcome) return failed(outcome.refused, requests);
    return outcome;
  } finally {
    probeAbort.abort();
    stopped = true;
    for (const session of sessions) session.close();
  }

  async function tryCredentials(): Promise<ReadResult> {
    for (const credential of options.credentials) {
      if (stopped) break;
      const session = new SnmpSession(ip, credential, sessionOptions);
      sessions.add(session);
      // Every credential is tried in turn; errors name the credential by label, never by value.
      try {
        const scalars = (await session.get(READ_SCALARS)).filter((vb) => !isException(vb));
        if (scalars.length === 0) throw new SnmpError('device answered but has no system group', 'protocol');
        // From here the device has answered: a later failure gives a partial, flagged reading, not none.
        const tables = await walkTables(session, READ_TABLES, PARALLEL_WALKS);
        const varbinds = [...scalars, ...tables.varbinds];
        const problems = tables.errors;
        if (options.extension) {
          const extra = options.extension.requests(new VarbindTable(varbinds));
          if (extra.get.length) {
            try {
              varbinds.push(...(await session.get(extra.get)).filter((vb) => !isException(vb)));
            } catch (e) {
              problems.push(errorMessage(e));
            }
          }
          const walked = await walkTables(session, extra.walk.map((w) => [w]), PARALLEL_WALKS);
          varbinds.push(...walked.varbinds);
          problems.push(...walked.errors);
        }
        const table = new VarbindTable(varbinds);
        const reading = decodeReading(host, table, { ip });
        options.extension?.apply(reading, table);
        if (problems.length) {
          reading.flags.push({ code: 'partialRead', message: `some tables could not be read: ${[...new Set(problems)].join('; ')}` });
        }
        if (session.truncated.length) {
          reading.flags.push({ code: 'tooManyRows', message: `device lists more than ${MAX_TABLE_ROWS} rows in ${[...new Set(session.truncated)].join(', ')}; the first ${MAX_TABLE_ROWS} are used` });
        }
        requests += session.requests;
        return { reading, credential: credential.label, requests };
      } catch (error) {
        requests += session.requests;
        errors.push(error instanceof SnmpError ? error : new SnmpError(errorMessage(error), 'protocol'));
        // A timeout or auth failure means: try the next credential. Anything else is final.
        if (!(error instanceof SnmpError) || error.kind === 'protocol' || error.kind === 'network' || error.kind === 'limit') break;
      } finally {
        session.close();
        sessions.delete(session);
      }
    }
    if (errors.every((e) => e.kind === 'timeout')) {
      // Every credential met silence: say whether the port refused (then the community is not the question).
      const verdict = verdictMessage(await probe, ip, options.port);
      if (verdict) return failed(verdict, requests);
    }
    return failed(summarise(errors), requests);
  }
}

async function walkTables(session: SnmpSession, groups: string[][], parallel: number): Promise<{ varbinds: Varbind[]; errors: string[] }> {
  const varbinds: Varbind[] = [];
  const errors: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < groups.length) {
      const group = groups[next++]!;
      try {
        varbinds.push(...(await session.walkColumns(group, MAX_TABLE_ROWS + 1)));
      } catch (e) {
        errors.push(errorMessage(e));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, groups.length) }, worker));
  return { varbinds, errors };
}

function summarise(errors: SnmpError[]): string {
  if (errors.length === 1) return errors[0]!.message;
  if (errors.every((e) => e.kind === 'timeout')) {
    return `no SNMP reply to any of ${errors.length} credentials tried: the device is off or unreachable, or no configured community or SNMPv3 user is accepted`;
  }
  return `no credential worked: ${[...new Set(errors.map((e) => e.message))].join('; ')}`;
}
