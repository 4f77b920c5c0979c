/**
 * Step 2, ask: the only part of a device's read that does I/O. Resolve the host, find the
 * credential it answers to (each in turn, a port probe alongside so a refusing port ends
 * the read at once), then ask the plan and its follow-up over that one session. Returns
 * the answers as they came, or why there are none; never throws for a device's sake.
 */
import { lookup } from 'node:dns/promises';
import { isIPv4 } from 'node:net';
import { errorMessage } from '../errors.js';
import type { Credential } from '../snmp/credentials.js';
import { probePort, verdictMessage } from '../snmp/port-probe.js';
import { SnmpError, SnmpSession, type SessionOptions } from '../snmp/session.js';
import { isException, type Varbind } from '../snmp/types.js';
import { hostProblem } from '../reading/host.js';
import { MAX_TABLE_ROWS } from '../reading/oids.js';
import type { Plan } from './plan.js';

export interface AskOptions extends SessionOptions {
  credentials: Credential[];
  /** A device's whole read, all credentials tried, is cut at this (ms); default DEVICE_TIME_LIMIT_MS. */
  deviceTimeLimitMs?: number;
  /** Host name to IPv4 address; the default asks the system resolver (tests inject one). */
  resolve?: (host: string) => Promise<string>;
}

/** What a device answered, under one credential. */
export interface Answer {
  ip: string;
  varbinds: Varbind[];
  /** Tables or scalars that could not be read after the device had answered (a partial read). */
  problems: string[];
  /** Columns with more rows than a read keeps. */
  truncated: string[];
  /** Label of the credential that worked (never the secret itself). */
  credential: string;
}

export type AskOutcome = { answer: Answer; requests: number } | { error: string; requests: number };

/** Table groups walked at the same time on one device: a few, to stay gentle. */
const PARALLEL_WALKS = 4;
/** A device's read time limit: a normal printer reads in well under 5 s, a slow v1 one in 20. */
export const DEVICE_TIME_LIMIT_MS = 60_000;

const systemResolve = async (host: string) => (await lookup(host, { family: 4 })).address;

/**
 * Ask `plan` of a device, then `followUp(first answers)` over the same session.
 * `followUp` is pure (step 1 again, now that the device has said what it is).
 */
export async function askDevice(host: string, plan: Plan, followUp: (answered: Varbind[]) => Plan, options: AskOptions): Promise<AskOutcome> {
  const problem = hostProblem(host);
  if (problem) return { error: `${problem}; check the address`, requests: 0 };
  let ip: string;
  try {
    ip = isIPv4(host) ? host : await (options.resolve ?? systemResolve)(host);
  } catch {
    return { error: `cannot resolve host name "${host}"; check the name or use the IP address`, requests: 0 };
  }
  if (options.credentials.length === 0) return { error: 'no SNMP credentials configured ([snmp] communities or [snmpv3.NAME])', requests: 0 };

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
    if ('refused' in outcome) return { error: outcome.refused, requests };
    return outcome;
  } finally {
    probeAbort.abort();
    stopped = true;
    for (const session of sessions) session.close();
  }

  async function tryCredentials(): Promise<AskOutcome> {
    for (const credential of options.credentials) {
      if (stopped) break;
      const session = new SnmpSession(ip, credential, sessionOptions);
      sessions.add(session);
      // Every credential is tried in turn; errors name the credential by label, never by value.
      try {
        const answer = await askOver(session, plan, followUp);
        requests += session.requests;
        return { answer: { ip, ...answer, credential: credential.label }, requests };
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
      if (verdict) return { error: verdict, requests };
    }
    return { error: summarise(errors), requests };
  }
}

/** The plan and its follow-up over one session; throws only while the device has not answered yet. */
async function askOver(session: SnmpSession, plan: Plan, followUp: (answered: Varbind[]) => Plan) {
  const scalars = (await session.get([...plan.get])).filter((vb) => !isException(vb));
  if (scalars.length === 0) throw new SnmpError('device answered but has no system group', 'protocol');
  // From here the device has answered: a later failure gives a partial, flagged reading, not none.
  const tables = await walkGroups(session, plan.walk);
  const varbinds = [...scalars, ...tables.varbinds];
  const problems = tables.errors;
  const more = followUp(varbinds);
  if (more.get.length) {
    try {
      varbinds.push(...(await session.get([...more.get])).filter((vb) => !isException(vb)));
    } catch (e) {
      problems.push(errorMessage(e));
    }
  }
  if (more.walk.length) {
    const walked = await walkGroups(session, more.walk);
    varbinds.push(...walked.varbinds);
    problems.push(...walked.errors);
  }
  return { varbinds, problems, truncated: [...session.truncated] };
}

async function walkGroups(session: SnmpSession, groups: Plan['walk']): Promise<{ varbinds: Varbind[]; errors: string[] }> {
  const varbinds: Varbind[] = [];
  const errors: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < groups.length) {
      const group = groups[next++]!;
      try {
        varbinds.push(...(await session.walkColumns([...group], MAX_TABLE_ROWS + 1)));
      } catch (e) {
        errors.push(errorMessage(e));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_WALKS, groups.length) }, worker));
  return { varbinds, errors };
}

function summarise(errors: SnmpError[]): string {
  if (errors.length === 1) return errors[0]!.message;
  if (errors.every((e) => e.kind === 'timeout')) {
    return `no SNMP reply to any of ${errors.length} credentials tried: the device is off or unreachable, or no configured community or SNMPv3 user is accepted`;
  }
  return `no credential worked: ${[...new Set(errors.map((e) => e.message))].join('; ')}`;
}
