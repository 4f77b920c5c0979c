/**
 * The sweeper: probes every target address through one UDP socket, paced by a token
 * bucket (packets per second; 0 = as fast as the socket takes them), and hands each
 * responder to identification (responder.ts). Per address it keeps three bytes (credential
 * stage, tries, state); in-flight probes sit in a FIFO ordered by deadline, so the sweep
 * takes about addresses x attempts / rate + timeout, never addresses x timeout.
 *
 * Credentials are tried in order per address: an address moves to the next credential
 * when the current one timed out on every try, or when SNMPv3 refused every user. An
 * address with its own [device.ADDRESS] credentials follows its own list.
 *
 * The steps, each a method of `Sweep`: `sendSome` (new and retried probes, as the pacer
 * allows), `onReply` (match a reply to its address and stage), `identify` (responders,
 * a few at a time), `expire` (probes past their deadline: retry, next stage or give up),
 * and `loop`, which runs them until every address is finished or the sweep is stopped.
 */
import type { RemoteInfo } from 'node:dgram';
import type { Message } from '../snmp/ber.js';
import type { Varbind } from '../snmp/types.js';
import { loadProfiles } from '../profiles/load.js';
import type { Profile } from '../profiles/types.js';
import { classify, type Classification } from './classify.js';
import { credentialRef, type Credential, type CredentialRef } from './credentials.js';
import type { DeviceFacts } from './facts.js';
import { PROBE_ID_BASE, ProbeSocket, type Counters } from './probe-socket.js';
import { probeTemplate, type ProbeTemplate } from './probe-packets.js';
import { Identifier, type Identified } from './responder.js';
import { intToIp, ipToInt, type TargetSet } from './targets.js';

export interface SweepOptions {
  targets: TargetSet;
  port: number;
  credentials: readonly Credential[];
  /** Addresses (dotted IPv4) asked with their own list instead ([device.ADDRESS] community or snmpv3). */
  ownCredentials?: ReadonlyMap<string, readonly Credential[]>;
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

/**
 * A probe stage: one community, or SNMPv3 engine discovery standing for all v3 users.
 * When a community is to be tried as both v2c and v1, the first try sends v2c alone
 * (nearly every agent speaks it, and it halves the packets of a sweep) and the retries
 * send v2c and v1 together under one request id; the reply's version says which worked.
 */
interface Stage {
  v3: boolean;
  templates: ProbeTemplate[];
  /** The community as v2c and/or v1, or the v3 users in order. */
  creds: Credential[];
}

function stagesOf(credentials: readonly Credential[]): Stage[] {
  const stages: Stage[] = [];
  let v3: Stage | null = null;
  const byCommunity = new Map<string, Stage>();
  for (const c of credentials) {
    if (c.version === '3') {
      if (!v3) stages.push(v3 = { v3: true, templates: [probeTemplate(c)], creds: [] });
      v3.creds.push(c);
      continue;
    }
    const known = byCommunity.get(c.community);
    if (known) {
      known.templates.push(probeTemplate(c));
      known.creds.push(c);
    } else {
      const st: Stage = { v3: false, templates: [probeTemplate(c)], creds: [c] };
      byCommunity.set(c.community, st);
      stages.push(st);
    }
  }
  return stages;
}

/**
 * Which stages each address goes through, and the request ids that name a probe: one id
 * per (address, stage, try), offset by a random salt, so a reply names its probe exactly.
 */
class ProbePlan {
  readonly tries: number;
  private readonly lists: Stage[][];
  /** Per address, the index of its list in `lists` (absent: every address follows lists[0]). */
  private readonly listOf: Uint16Array | null = null;
  private readonly maxStages: number;
  private readonly salt = Math.floor(Math.random() * SPACE);

  constructor(private readonly targets: TargetSet, credentials: readonly Credential[], own: ReadonlyMap<string, readonly Credential[]> | undefined, retries: number) {
    this.tries = 1 + retries;
    this.lists = [stagesOf(credentials)];
    for (const [addr, list] of own ?? []) {
      const idx = targets.indexOf(ipToInt(addr));
      if (idx < 0 || this.lists.length > 0xffff) continue;
      this.listOf ??= new Uint16Array(targets.count);
      this.listOf[idx] = this.lists.length;
      this.lists.push(stagesOf(list));
    }
    if (this.lists.some((l) => l.length === 0)) throw new Error('no credentials to try');
    this.maxStages = Math.max(...this.lists.map((l) => l.length));
    if (this.maxStages * this.tries * Math.max(targets.count, 1) >= SPACE) throw new Error('too many addresses x credentials x tries for one sweep');
  }

  stages(idx: number): Stage[] {
    return this.lists[this.listOf ? this.listOf[idx]! : 0]!;
  }

  /** The longest an address can take, in stages (for the time left). */
  get longest(): number {
    return this.maxStages;
  }

  idFor(idx: number, stage: number, attempt: number): number {
    const n = this.targets.count;
    return PROBE_ID_BASE + ((((stage * this.tries + attempt) * n + idx) + this.salt) % SPACE);
  }

  /** The address index and stage a request id names, or null. */
  decode(id: number): { idx: number; stage: number } | null {
    const n = this.targets.count;
    let seq = (id - PROBE_ID_BASE - this.salt) % SPACE;
    if (seq < 0) seq += SPACE;
    if (seq >= this.maxStages * this.tries * n) return null;
    return { idx: seq % n, stage: Math.floor(seq / n / this.tries) };
  }
}

/** A FIFO of numbers that drops its consumed head now and then, so a long sweep does not keep it all. */
class Queue {
  private items: number[] = [];
  private head = 0;
  get size(): number {
    return this.items.length - this.head;
  }
  push(x: number): void {
    this.items.push(x);
  }
  peek(): number | undefined {
    return this.items[this.head];
  }
  shift(): number {
    return this.items[this.head++]!;
  }
  compact(): void {
    if (this.head > 65_536 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

/** Probes in flight, oldest deadline first (every probe waits the same timeout). */
class InFlight {
  private readonly idx = new Queue();
  private readonly tag = new Queue();
  private readonly deadline = new Queue();
  push(idx: number, stage: number, attempt: number, deadline: number): void {
    this.idx.push(idx);
    this.tag.push(stage * 256 + attempt);
    this.deadline.push(deadline);
  }
  /** The next deadline, if any probe is in flight. */
  next(): number | undefined {
    return this.deadline.peek();
  }
  /** Take every probe whose deadline has passed. */
  *expired(now: number): Generator<{ idx: number; stage: number; attempt: number }> {
    while (this.deadline.size && this.deadline.peek()! <= now) {
      this.deadline.shift();
      const tag = this.tag.shift();
      yield { idx: this.idx.shift(), stage: tag >> 8, attempt: tag & 255 };
    }
    this.idx.compact();
    this.tag.compact();
    this.deadline.compact();
  }
}

/** Token bucket for a rate in packets per second; rate 0 means: as many as the socket takes. */
class Pacer {
  private tokens = 1;
  private lastRefill = performance.now();
  constructor(private readonly rate: number) {}
  budget(now: number, sendsInFlight: number): number {
    if (this.rate === 0) return Math.min(BATCH, MAX_IN_FLIGHT_SENDS - sendsInFlight);
    this.tokens = Math.min(Math.max(1, this.rate * 0.02), this.tokens + ((now - this.lastRefill) * this.rate) / 1000);
    this.lastRefill = now;
    return Math.floor(this.tokens);
  }
  spend(n: number): void {
    if (this.rate > 0) this.tokens -= n;
  }
  /** ms until the next token. */
  waitMs(): number {
    return Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.rate));
  }
}

/**
 * Time left = the first probes still to send, at the configured rate, plus the longest an
 * address can then take (every credential stage, every try, each waiting the timeout).
 * Not extrapolated from addresses finished so far: silent addresses finish only after
 * their timeouts, so that rate starts near zero and the estimate would leap about.
 * Retries take send slots from new probes, so the estimate may creep up: shown, it rises
 * at most half as fast as the clock runs, never in a jump.
 */
class TimeLeft {
  private lastSendAt: number | null = null;
  private shown: number | null = null;
  private lastAt: number;
  constructor(private readonly rate: number, private readonly tailMs: number, started: number) {
    this.lastAt = started;
  }
  estimate(now: number, toSend: number, left: number): number {
    const sendLeft = this.rate > 0 ? (toSend / this.rate) * 1000 : 0;
    if (toSend === 0 && this.lastSendAt === null) this.lastSendAt = now;
    const raw = left === 0 ? 0 : this.lastSendAt === null ? sendLeft + this.tailMs : Math.max(0, this.lastSendAt + this.tailMs - now);
    this.shown = this.shown === null ? raw : Math.min(raw, this.shown + (now - this.lastAt) / 2);
    this.lastAt = now;
    return left === 0 ? 0 : this.shown;
  }
}

const PENDING = 0, ANSWERED = 1, FINISHED = 2;

class Sweep {
  private readonly started = performance.now();
  private readonly n: number;
  private readonly stage: Uint8Array;
  private readonly tried: Uint8Array;
  private readonly state: Uint8Array;
  private readonly inFlight = new InFlight();
  /** Addresses due another probe (a retry or their next stage). */
  private readonly due = new Queue();
  private readonly pacer: Pacer;
  private readonly timeLeft: TimeLeft;
  private readonly identifier: Identifier;
  /** Next address to get its first probe. */
  private next = 0;
  /** Addresses probed and neither answered nor given up. */
  private outstanding = 0;
  private finished = 0;
  private sendsInFlight = 0;
  private stopped = false;
  private readonly devices: FoundDevice[] = [];
  private readonly refused: string[] = [];
  private printers = 0;
  private readonly jobs: Array<() => Promise<void>> = [];
  private identifying = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private lastProgress = 0;
  private resolveDone!: () => void;

  constructor(private readonly o: SweepOptions, private readonly plan: ProbePlan, private readonly socket: ProbeSocket, profiles: readonly Profile[]) {
    this.n = o.targets.count;
    this.stage = new Uint8Array(this.n);
    this.tried = new Uint8Array(this.n);
    this.state = new Uint8Array(this.n);
    this.pacer = new Pacer(o.rate);
    this.timeLeft = new TimeLeft(o.rate, plan.longest * plan.tries * o.timeoutMs, this.started);
    this.identifier = new Identifier({ port: o.port, timeoutMs: o.timeoutMs, retries: o.retries, identify: o.identify !== false, profiles });
    socket.onReply((msg, id, rinfo) => this.onReply(msg, id, rinfo));
  }

  async run(): Promise<SweepResult> {
    const done = new Promise<void>((r) => { this.resolveDone = r; });
    const onAbort = () => this.stop();
    this.o.signal?.addEventListener('abort', onAbort, { once: true });
    if (this.o.signal?.aborted) this.stop();
    this.loop();
    await done;
    this.o.signal?.removeEventListener('abort', onAbort);
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    await this.socket.close();
    // Identification jobs still running see their sessions closed; give them a turn to finish.
    for (let i = 0; i < 5 && this.identifying > 0; i++) await new Promise((r) => setImmediate(r));
    this.progress(performance.now(), true);
    this.devices.sort((a, b) => ipToInt(a.ip) - ipToInt(b.ip));
    return {
      devices: this.devices,
      stats: {
        ...this.socket.counters, addresses: this.n, probed: this.next, durationMs: performance.now() - this.started,
        aborted: this.stopped, refused: this.refused,
      },
    };
  }

  private stop(): void {
    this.stopped = true;
    this.identifier.stop();
    this.kick();
  }

  /** Send one probe to address idx: its current stage, its next try. */
  private send(idx: number): void {
    const s = this.stage[idx]!;
    const t = this.tried[idx]!;
    this.tried[idx] = t + 1;
    const ip = intToIp(this.o.targets.at(idx));
    const id = this.plan.idFor(idx, s, t);
    const templates = this.plan.stages(idx)[s]!.templates;
    for (let k = 0; k < (t === 0 ? 1 : templates.length); k++) {
      this.sendsInFlight++;
      this.socket.send(templates[k]!.build(id), ip, () => { this.sendsInFlight--; });
    }
    this.inFlight.push(idx, s, t, performance.now() + this.o.timeoutMs);
  }

  /** Retries and next stages first, then new addresses, as many as the pacer allows. */
  private sendSome(now: number): void {
    const budget = this.pacer.budget(now, this.sendsInFlight);
    let sent = 0;
    while (sent < budget && !this.stopped) {
      if (this.due.size) {
        const idx = this.due.shift();
        if (this.state[idx] !== PENDING) continue;
        sent += this.tried[idx] === 0 ? 1 : this.plan.stages(idx)[this.stage[idx]!]!.templates.length;
        this.send(idx);
      } else if (this.next < this.n) {
        const idx = this.next++;
        this.outstanding++;
        sent += 1;
        this.send(idx);
      } else break;
    }
    this.due.compact();
    this.pacer.spend(sent);
  }

  /** Probes past their deadline: the address gets its next try, its next stage, or is given up. */
  private expire(now: number): void {
    for (const { idx, stage: s, attempt: t } of this.inFlight.expired(now)) {
      if (this.state[idx] !== PENDING) continue;
      // Only the newest probe of the current stage decides; older ones were superseded.
      if (s !== this.stage[idx] || t !== this.tried[idx]! - 1) continue;
      if (this.tried[idx]! < this.plan.tries) this.due.push(idx);
      else if (s + 1 < this.plan.stages(idx).length) this.nextStage(idx, s + 1);
      else {
        this.state[idx] = FINISHED;
        this.outstanding--;
        this.finished++;
      }
    }
  }

  private nextStage(idx: number, s: number): void {
    this.stage[idx] = s;
    this.tried[idx] = 0;
    this.due.push(idx);
  }

  /** A reply on the sweep's socket: ours when its id names a probe of this address's current stage. */
  private onReply(msg: Message, id: number, rinfo: RemoteInfo): boolean {
    const hit = this.plan.decode(id);
    if (!hit) return false;
    const { idx, stage: st } = hit;
    if (this.o.targets.at(idx) !== ipToInt(rinfo.address)) return false; // right id, wrong sender: not ours
    if (this.state[idx] !== PENDING || this.stage[idx] !== st) return true; // late duplicate
    const sg = this.plan.stages(idx)[st];
    if (!sg) return false;
    let job: () => Promise<void>;
    const ip = rinfo.address;
    if (!sg.v3) {
      if (msg.version === 3 || msg.pdu.type !== 'Response') return false;
      const version = msg.version === 0 ? '1' : '2c';
      const cred = sg.creds.find((c) => c.version === version);
      if (!cred) return false;
      const probe: Varbind[] = msg.pdu.errorStatus === 0 ? msg.pdu.varbinds : [];
      job = async () => this.record(ip, await this.identifier.community(ip, cred, sg.creds, probe));
    } else {
      if (msg.version !== 3 || Buffer.isBuffer(msg.data) || msg.data.pdu.type !== 'Report' || msg.usm.engineId.length === 0) return false;
      job = () => this.identifyV3(idx, ip, st, sg.creds);
    }
    this.state[idx] = ANSWERED;
    this.outstanding--;
    this.jobs.push(job);
    this.identify();
    return true;
  }

  private async identifyV3(idx: number, ip: string, st: number, users: readonly Credential[]): Promise<void> {
    const found = await this.identifier.v3(ip, users);
    if (found) return this.record(ip, found);
    if (found === undefined) return; // stopped
    // Every v3 user refused: fall back to the communities, if any come after.
    if (st + 1 < this.plan.stages(idx).length && !this.stopped) {
      this.state[idx] = PENDING;
      this.outstanding++;
      this.nextStage(idx, st + 1);
    } else {
      this.refused.push(ip);
      this.finished++;
    }
  }

  private record(ip: string, found: Identified): void {
    const classification = classify(found.facts);
    if (classification.printer) this.printers++;
    this.devices.push({ ip, credential: credentialRef(found.credential), facts: found.facts, classification, identified: found.identified });
    this.finished++;
  }

  /** Start queued identification jobs, up to the concurrency. */
  private identify(): void {
    const concurrency = this.o.identifyConcurrency ?? 64;
    while (this.identifying < concurrency && this.jobs.length) {
      const job = this.jobs.shift()!;
      this.identifying++;
      job().catch(() => { /* a device that breaks identification is left out, not fatal */ }).finally(() => {
        this.identifying--;
        this.identify();
        this.kick();
      });
    }
  }

  private complete(): boolean {
    return this.next >= this.n && this.due.size === 0 && this.outstanding === 0 && this.identifying === 0 && this.jobs.length === 0;
  }

  private progress(now: number, force = false): void {
    if (!this.o.onProgress) return;
    if (!force && now - this.lastProgress < (this.o.progressIntervalMs ?? 100)) return;
    this.lastProgress = now;
    const elapsed = (now - this.started) / 1000;
    const etaMs = this.timeLeft.estimate(now, this.n - this.next, this.n - this.finished);
    this.o.onProgress({
      done: this.finished, total: this.n, probed: this.next, responders: this.devices.length, printers: this.printers,
      rate: elapsed > 0 ? this.finished / elapsed : 0, etaMs,
    });
  }

  private loop(): void {
    this.timer = null;
    this.immediate = null;
    const now = performance.now();
    this.expire(now);
    if (!this.stopped) this.sendSome(now);
    this.progress(now);
    if (this.stopped || this.complete()) {
      this.resolveDone();
      return;
    }
    const canSend = !this.stopped && (this.due.size > 0 || this.next < this.n);
    if (canSend && this.o.rate === 0 && this.sendsInFlight < MAX_IN_FLIGHT_SENDS) this.immediate = setImmediate(() => this.loop());
    else {
      let wait = 10;
      if (canSend && this.o.rate > 0) wait = this.pacer.waitMs();
      const deadline = this.inFlight.next();
      if (deadline !== undefined) wait = Math.min(wait, Math.max(1, deadline - now));
      this.timer = setTimeout(() => this.loop(), Math.max(1, Math.min(wait, 50)));
    }
  }

  /** Run the loop now if it is waiting on a timer (a job finished, or Ctrl-C). */
  private kick(): void {
    if (this.timer === null && this.immediate === null) return; // running, or ended
    if (this.immediate === null) {
      clearTimeout(this.timer!);
      this.timer = null;
      this.immediate = setImmediate(() => this.loop());
    }
  }
}

export async function sweep(o: SweepOptions): Promise<SweepResult> {
  const plan = new ProbePlan(o.targets, o.credentials, o.ownCredentials, o.retries);
  const profiles = o.profiles ?? loadProfiles();
  const socket = await ProbeSocket.open(o.port, o.bindAddress);
  return new Sweep(o, plan, socket, profiles).run();
}
