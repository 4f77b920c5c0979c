/**
 * The sweeper: probes every target address through one UDP socket, paced by a token
 * bucket (packets per second; 0 = as fast as the socket takes them), and gives each
 * responder a short identification. Per address it keeps three bytes (credential stage,
 * tries, state); in-flight probes sit in a FIFO ordered by deadline, so the sweep takes
 * about addresses x attempts / rate + timeout, never addresses x timeout.
 *
 * Credentials are tried in order per address: an address moves to the next credential
 * when the current one timed out on every try, or at once when SNMPv3 refuses a user.
 */
import type { RemoteInfo } from 'node:dgram';
import type { Message } from '../snmp/ber.js';
import { isException, type Varbind } from '../snmp/types.js';
import { classify, type Classification } from './classify.js';
import { PROBE_ID_BASE, SweepClient, communitySession, engineFromReport, v3Session, type Counters, type EngineInfo } from './client.js';
import { credentialRef, type Credential, type CredentialRef } from './credentials.js';
import { OID, PROBE_OIDS, gatherFacts, type DeviceFacts } from './facts.js';
import { loadProfiles } from '../profiles/load.js';
import type { Profile } from '../profiles/types.js';
import { probeTemplate, type ProbeTemplate } from './probe-packets.js';
import { intToIp, ipToInt, type TargetSet } from './targets.js';

export interface SweepOptions {
  targets: TargetSet;
  port: number;
  credentials: readonly Credential[];
  /** Probe packets per second; 0 sends as fast as the socket accepts. */
  rate: number;
  timeoutMs: number;
  retries: number;
  /** Run the identification step on responders (default true). */
  identify?: boolean;
  /** Responders identified at the same time (default 64). */
  identifyConcurrency?: number;
  /** Vendor profiles whose identity rules give serial and model; default: the built-ins. */
  profiles?: readonly Profile[];
  bindAddress?: string;
  signal?: AbortSignal;
  onProgress?: (p: SweepProgress) => void;
  progressIntervalMs?: number;
}

export interface SweepProgress {
  done: number;
  total: number;
  /** Addresses sent their first probe. */
  probed: number;
  responders: number;
  printers: number;
  /** Addresses finished per second so far. */
  rate: number;
  /** Estimated time left, ms. */
  etaMs: number;
}

export interface FoundDevice {
  ip: string;
  credential: CredentialRef;
  facts: DeviceFacts;
  classification: Classification;
  /** False when the identification step got no answer (facts come from the probe only). */
  identified: boolean;
}

export interface SweepStats extends Counters {
  addresses: number;
  /** Addresses sent at least one probe (less than `addresses` when the sweep was interrupted). */
  probed: number;
  durationMs: number;
  aborted: boolean;
  /** Addresses that speak SNMPv3 but refused every configured user (and no community worked). */
  refused: string[];
}

export interface SweepResult {
  devices: FoundDevice[];
  stats: SweepStats;
}

const SPACE = 0x80000000 - PROBE_ID_BASE;
const MAX_IN_FLIGHT_SENDS = 1024;
const BATCH = 256;

type CommunityCred = Extract<Credential, { kind: 'community' }>;

/**
 * A probe stage: one community, or SNMPv3 engine discovery standing for all v3 users.
 * When a community is to be tried as both v2c and v1, the first try sends v2c alone
 * (nearly every agent speaks it, and it halves the packets of a sweep) and the retries
 * send v2c and v1 together under one request id; the reply's version says which worked.
 */
interface Stage {
  templates: ProbeTemplate[];
  creds: CommunityCred[]; // empty: the v3 stage
}

const PENDING = 0, ANSWERED = 1, FINISHED = 2;

export async function sweep(o: SweepOptions): Promise<SweepResult> {
  const started = performance.now();
  const profiles = o.profiles ?? loadProfiles();
  const N = o.targets.count;
  const v3Users = o.credentials.filter((c): c is Extract<Credential, { kind: 'v3' }> => c.kind === 'v3');
  const stages: Stage[] = [];
  const byCommunity = new Map<number, Stage>();
  for (const c of o.credentials) {
    if (c.kind === 'v3') {
      if (!stages.some((s) => s.creds.length === 0)) stages.push({ templates: [probeTemplate(c)], creds: [] });
      continue;
    }
    const known = byCommunity.get(c.index);
    if (known) {
      known.templates.push(probeTemplate(c));
      known.creds.push(c);
    } else {
      const st: Stage = { templates: [probeTemplate(c)], creds: [c] };
      byCommunity.set(c.index, st);
      stages.push(st);
    }
  }
  if (stages.length === 0) throw new Error('no credentials to try');
  const tries = 1 + o.retries;
  if (stages.length * tries * Math.max(N, 1) >= SPACE) throw new Error('too many addresses x credentials x tries for one sweep');
  const salt = Math.floor(Math.random() * SPACE);

  const client = await SweepClient.open(o.port, o.bindAddress);
  const stage = new Uint8Array(N);
  const tried = new Uint8Array(N);
  const state = new Uint8Array(N);
  const fifoIdx: number[] = [];
  const fifoTag: number[] = [];
  const fifoDeadline: number[] = [];
  let fifoHead = 0;
  const due: number[] = [];
  let dueHead = 0;
  let next = 0;
  let outstanding = 0;
  let finished = 0;
  let sendsInFlight = 0;
  let tokens = 1;
  let lastRefill = performance.now();
  let stop = false;
  const devices: FoundDevice[] = [];
  const refused: string[] = [];
  const identifyQueue: Array<() => Promise<void>> = [];
  let identifying = 0;
  const concurrency = o.identifyConcurrency ?? 64;
  let printers = 0;

  const idFor = (idx: number, s: number, t: number) => PROBE_ID_BASE + ((((s * tries + t) * N + idx) + salt) % SPACE);

  const send = (idx: number) => {
    const s = stage[idx]!;
    const t = tried[idx]!;
    tried[idx] = t + 1;
    const ip = intToIp(o.targets.at(idx));
    const id = idFor(idx, s, t);
    const templates = stages[s]!.templates;
    for (let k = 0; k < (t === 0 ? 1 : templates.length); k++) {
      const tpl = templates[k]!;
      sendsInFlight++;
      client.sendRaw(tpl.build(id), ip, () => { sendsInFlight--; });
    }
    fifoIdx.push(idx);
    fifoTag.push(s * 256 + t);
    fifoDeadline.push(performance.now() + o.timeoutMs);
  };

  const finishAddress = () => {
    finished++;
  };

  const expire = (now: number) => {
    while (fifoHead < fifoIdx.length && fifoDeadline[fifoHead]! <= now) {
      const idx = fifoIdx[fifoHead]!;
      const tag = fifoTag[fifoHead]!;
      fifoHead++;
      if (state[idx] !== PENDING) continue;
      const s = tag >> 8;
      const t = tag & 255;
      // Only the newest probe of the current stage decides; older ones were superseded.
      if (s !== stage[idx] || t !== tried[idx]! - 1) continue;
      if (tried[idx]! < tries) due.push(idx);
      else if (s + 1 < stages.length) {
        stage[idx] = s + 1;
        tried[idx] = 0;
        due.push(idx);
      } else {
        state[idx] = FINISHED;
        outstanding--;
        finishAddress();
      }
    }
    if (fifoHead > 65_536 && fifoHead * 2 > fifoIdx.length) {
      fifoIdx.splice(0, fifoHead);
      fifoTag.splice(0, fifoHead);
      fifoDeadline.splice(0, fifoHead);
      fifoHead = 0;
    }
    if (dueHead > 65_536 && dueHead * 2 > due.length) {
      due.splice(0, dueHead);
      dueHead = 0;
    }
  };

  const sendSome = (now: number) => {
    let budget: number;
    if (o.rate > 0) {
      tokens = Math.min(Math.max(1, o.rate * 0.02), tokens + ((now - lastRefill) * o.rate) / 1000);
      lastRefill = now;
      budget = Math.floor(tokens);
    } else budget = Math.min(BATCH, MAX_IN_FLIGHT_SENDS - sendsInFlight);
    let sent = 0;
    while (sent < budget && !stop) {
      if (dueHead < due.length) {
        const idx = due[dueHead++]!;
        if (state[idx] !== PENDING) continue;
        sent += tried[idx] === 0 ? 1 : stages[stage[idx]!]!.templates.length;
        send(idx);
      } else if (next < N) {
        const idx = next++;
        outstanding++;
        sent += 1;
        send(idx);
      } else break;
    }
    if (o.rate > 0) tokens -= sent;
  };

  const onProbe = (msg: Message, id: number, rinfo: RemoteInfo): boolean => {
    let seq = (id - PROBE_ID_BASE - salt) % SPACE;
    if (seq < 0) seq += SPACE;
    if (seq >= stages.length * tries * N) return false;
    const idx = seq % N;
    const st = Math.floor(seq / N / tries);
    if (o.targets.at(idx) !== ipToInt(rinfo.address)) return false; // right id, wrong sender: not ours
    if (state[idx] !== PENDING || stage[idx] !== st) return true; // late duplicate
    const sg = stages[st]!;
    let probeVarbinds: Varbind[] = [];
    let engine: EngineInfo | null = null;
    let cred: CommunityCred | undefined;
    if (sg.creds.length) {
      if (msg.version === 3 || msg.pdu.type !== 'Response') return false;
      const version = msg.version;
      cred = sg.creds.find((c) => c.version === version);
      if (!cred) return false;
      probeVarbinds = msg.pdu.errorStatus === 0 ? msg.pdu.varbinds : [];
    } else {
      if (msg.version !== 3 || Buffer.isBuffer(msg.data) || msg.data.pdu.type !== 'Report') return false;
      engine = engineFromReport(msg);
      if (!engine) return false;
    }
    state[idx] = ANSWERED;
    outstanding--;
    const ip = rinfo.address;
    identifyQueue.push(() => handleResponder(idx, ip, st, cred, probeVarbinds, engine));
    pumpIdentify();
    return true;
  };
  client.onProbeReply(onProbe);

  const session = { timeoutMs: o.timeoutMs, retries: o.retries };

  const handleResponder = async (idx: number, ip: string, st: number, cred: CommunityCred | undefined, probe: Varbind[], engine: EngineInfo | null) => {
    const seed = factsFromProbe(probe);
    const sg = stages[st]!;
    if (cred) {
      // The v1 reply can overtake the v2c one; prefer v2c (GETBULK for readers) when the device speaks it.
      const v2c = sg.creds.find((c) => c.version === 1);
      if (cred.version === 0 && v2c && !stop) {
        const check = await communitySession(client, ip, v2c, { timeoutMs: o.timeoutMs, retries: 0 }).get([OID.sysObjectID]);
        if (check[0]) cred = v2c;
      }
      await record(ip, cred, seed, o.identify === false ? null : communitySession(client, ip, cred, session));
      return;
    }
    for (const cred of v3Users) {
      if (stop) return;
      const s = v3Session(client, ip, cred, engine!, session);
      const check = await s.get(PROBE_OIDS);
      if (s.refused) continue;
      await record(ip, cred, { ...seed, ...factsFromProbe(check.filter((x): x is Varbind => x !== null)) }, o.identify === false ? null : s);
      return;
    }
    // Every v3 user refused: fall back to the communities, if any come after.
    if (st + 1 < stages.length && !stop) {
      state[idx] = PENDING;
      stage[idx] = st + 1;
      tried[idx] = 0;
      outstanding++;
      due.push(idx);
    } else {
      refused.push(ip);
      finishAddress();
    }
  };

  const record = async (ip: string, cred: Credential, seed: DeviceFacts, ops: ReturnType<typeof communitySession> | null) => {
    let facts = seed;
    let identified = false;
    if (ops && !stop) {
      const got = await gatherFacts(ops, profiles);
      if (got.sysDescr !== undefined || got.sysObjectID !== undefined || got.printerMibOid !== undefined) {
        facts = { ...seed, ...stripUndefined(got) };
        identified = true;
      }
    }
    const classification = classify(facts);
    if (classification.printer) printers++;
    devices.push({ ip, credential: credentialRef(cred), facts, classification, identified });
    finishAddress();
  };

  const pumpIdentify = () => {
    while (identifying < concurrency && identifyQueue.length) {
      const job = identifyQueue.shift()!;
      identifying++;
      job().catch(() => { /* a device that breaks identification is left out, not fatal */ }).finally(() => {
        identifying--;
        pumpIdentify();
        kick();
      });
    }
  };

  let timer: NodeJS.Timeout | null = null;
  let immediate: NodeJS.Immediate | null = null;
  let lastProgress = 0;
  let lastSendAt: number | null = null;
  let shownEta: number | null = null;
  let lastProgressAt = started;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => { resolveDone = r; });

  const complete = () => next >= N && dueHead >= due.length && outstanding === 0 && identifying === 0 && identifyQueue.length === 0;

  const progress = (now: number, force = false) => {
    if (!o.onProgress) return;
    if (!force && now - lastProgress < (o.progressIntervalMs ?? 100)) return;
    lastProgress = now;
    const elapsed = (now - started) / 1000;
    const rate = elapsed > 0 ? finished / elapsed : 0;
    const left = N - finished;
    // Time left = the first probes still to send, at the configured rate, plus the longest an
    // address can then take (every credential stage, every try, each waiting the timeout).
    // Not extrapolated from addresses finished so far: silent addresses finish only after
    // their timeouts, so that rate starts near zero and the estimate would leap about.
    const sendLeft = o.rate > 0 ? ((N - next) / o.rate) * 1000 : 0;
    if (next >= N && lastSendAt === null) lastSendAt = now;
    const tail = stages.length * tries * o.timeoutMs;
    const raw = left === 0 ? 0 : lastSendAt === null ? sendLeft + tail : Math.max(0, lastSendAt + tail - now);
    // Retries take send slots from new probes, so the estimate may creep up: shown, it rises
    // at most half as fast as the clock runs, never in a jump.
    shownEta = shownEta === null ? raw : Math.min(raw, shownEta + (now - lastProgressAt) / 2);
    lastProgressAt = now;
    const etaMs = left === 0 ? 0 : shownEta;
    o.onProgress({ done: finished, total: N, probed: next, responders: devices.length, printers, rate, etaMs });
  };

  const loop = () => {
    timer = null;
    immediate = null;
    const now = performance.now();
    expire(now);
    if (!stop) sendSome(now);
    progress(now);
    if (stop || complete()) {
      resolveDone();
      return;
    }
    const canSend = !stop && (dueHead < due.length || next < N);
    if (canSend && o.rate === 0 && sendsInFlight < MAX_IN_FLIGHT_SENDS) immediate = setImmediate(loop);
    else {
      let wait = 10;
      if (canSend && o.rate > 0) wait = Math.max(1, Math.ceil(((1 - tokens) * 1000) / o.rate));
      if (fifoHead < fifoDeadline.length) wait = Math.min(wait, Math.max(1, fifoDeadline[fifoHead]! - now));
      timer = setTimeout(loop, Math.max(1, Math.min(wait, 50)));
    }
  };
  const kick = () => {
    if (timer === null && immediate === null) return; // loop is running or has ended
    if (immediate === null) {
      clearTimeout(timer!);
      timer = null;
      immediate = setImmediate(loop);
    }
  };

  const onAbort = () => {
    stop = true;
    kick();
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  if (o.signal?.aborted) stop = true;
  loop();
  await done;
  o.signal?.removeEventListener('abort', onAbort);
  if (timer) clearTimeout(timer);
  if (immediate) clearImmediate(immediate);
  await client.close();
  // Identification jobs still running see stop and the closed socket; give them a turn to finish.
  for (let i = 0; i < 5 && identifying > 0; i++) await new Promise((r) => setImmediate(r));
  progress(performance.now(), true);
  devices.sort((a, b) => ipToInt(a.ip) - ipToInt(b.ip));
  return {
    devices,
    stats: { ...client.counters, addresses: N, probed: next, durationMs: performance.now() - started, aborted: stop, refused },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The system group from a probe reply, so a device that ignores identification still has a name. */
function factsFromProbe(vbs: readonly Varbind[]): DeviceFacts {
  const f: DeviceFacts = {};
  for (const vb of vbs) {
    if (isException(vb)) continue;
    if (vb.oid === OID.sysDescr && Buffer.isBuffer(vb.value)) f.sysDescr = vb.value.toString('latin1').replace(/\0+$/, '').trim();
    else if (vb.oid === OID.sysObjectID && vb.type === 'OID') f.sysObjectID = String(vb.value);
    else if (vb.oid === OID.sysName && Buffer.isBuffer(vb.value)) f.sysName = vb.value.toString('latin1').replace(/\0+$/, '').trim();
  }
  return f;
}
