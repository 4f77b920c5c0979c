/**
 * Runs the rules against the database: device conditions inside the ingest transaction
 * (so an event and its outbox row are stored with the reading that caused them, or not at
 * all), silence on the notifier's timer. Transitions go to notify_outbox; the notifier
 * delivers them.
 */
import type { Db, Queryable } from '../db/types.js';
import type { ReceivedMessage as Message } from '@amr/protocol';
import { INGEST_KINDS, observeDevice, observeSilence, type DeviceSnapshot, type Observed } from './conditions.js';
import { DEFAULT_SETTLE_MS, step, type EventState } from './machine.js';
import { toRule, type Rule } from './rules.js';
import { inList } from '../db/sql.js';

const BACKWARDS_KEYS = ['total', 'mono', 'color'];

interface Scope { customer: string | null; deviceId: number | null; agentId: string | null }

/** Wakes the notifier after a commit that queued something (set by startNotifier). */
const wakers = new Set<() => void>();
let queuedSinceWake = false;
/** Called by ingest after its transaction ends: the notifier reads the outbox in its own. */
export function wakeIfQueued(): void {
  if (!queuedSinceWake) return;
  queuedSinceWake = false;
  wakers.forEach((w) => w());
}
export function onQueued(fn: () => void): () => void {
  wakers.add(fn);
  return () => wakers.delete(fn);
}

async function rulesFor(q: Queryable, kinds: readonly string[], customer?: string): Promise<Rule[]> {
  const rows = await q.all(`SELECT * FROM notify_rules WHERE enabled = 1 AND kind IN (${inList(kinds.length)})${customer ? ' AND (customer IS NULL OR customer = ?)' : ''}`,
    customer ? [...kinds, customer] : [...kinds]);
  return rows.map(toRule);
}

/** Observations of one rule on one thing (device or agent). */
export interface Observing { scope: Scope; prefix: string; observed: Observed[]; at: string }

/** Applies observations of one rule on one thing (device or agent); returns how many notifications were queued. */
export async function apply(q: Queryable, rule: Rule, scope: Scope, prefix: string, observed: Observed[], at: string, settleMs = DEFAULT_SETTLE_MS): Promise<number> {
  return applyMany(q, rule, [{ scope, prefix, observed, at }], settleMs);
}

/**
 * Applies one rule's observations on many things: their open events in one read (per 500 subjects),
 * then a write only where the state machine moves (rare), so a steady fleet costs one query a rule.
 */
export async function applyMany(q: Queryable, rule: Rule, things: Observing[], settleMs = DEFAULT_SETTLE_MS): Promise<number> {
  const subjects = things.flatMap((t) => t.observed.map((o) => `${t.prefix}${o.subject}`));
  if (!subjects.length) return 0;
  const open = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < subjects.length; i += 500) {
    const c = subjects.slice(i, i + 500);
    for (const r of await q.all(`SELECT * FROM notify_events WHERE rule_id = ? AND state = 'open' AND subject IN (${inList(c.length)})`, [rule.id, ...c])) {
      open.set(String(r.subject), r);
    }
  }
  let queued = 0;
  for (const { scope, prefix, observed, at } of things) {
    for (const o of observed) {
      const subject = `${prefix}${o.subject}`;
      const row = open.get(subject);
      const ev: EventState | null = row ? { state: 'open', openedAt: String(row.opened_at), absentSince: (row.absent_since as string | null) ?? null, clearedAt: null } : null;
      const { next, notify } = step(ev, o.obs, at, settleMs);
      if (next === ev) continue;
      let eventId: number;
      if (!row) {
        const ins = await q.get<{ id: number }>(
          `INSERT INTO notify_events (rule_id, subject, kind, customer, device_id, agent_id, state, detail, opened_at) VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?) RETURNING id`,
          [rule.id, subject, rule.kind, scope.customer, scope.deviceId, scope.agentId, o.detail, next!.openedAt]);
        eventId = Number(ins!.id);
      } else {
        eventId = Number(row.id);
        await q.run('UPDATE notify_events SET state = ?, absent_since = ?, cleared_at = ?, detail = ? WHERE id = ?',
          [next!.state, next!.absentSince, next!.clearedAt, o.detail, eventId]);
      }
      if (notify) {
        // The outbox keeps the detail as it was at the transition (the event's moves on).
        await q.run(`INSERT INTO notify_outbox (event_id, rule_id, transition, detail, created_at, status, attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?)
          ON CONFLICT (event_id, transition) DO NOTHING`, [eventId, rule.id, notify, o.detail, at, new Date(0).toISOString()]);
        queued++;
      }
    }
  }
  return queued;
}

/** Device conditions of the devices a message touched: the snapshots in a few reads, each rule in one more. Cheap when no rule asks. */
export async function evaluateIngest(q: Queryable, msg: Message, devices: (number | null)[], _receivedAt: string): Promise<number> {
  const rules = await rulesFor(q, INGEST_KINDS, msg.customer);
  if (!rules.length) return 0;
  const newest = new Map<number, string>();
  msg.readings.forEach((r, i) => {
    const d = devices[i];
    if (d !== null && d !== undefined && (newest.get(d) ?? '') < r.readAt) newest.set(d, r.readAt);
  });
  const snaps = await snapshots(q, newest, rules.some((r) => r.kind === 'counter-backwards'));
  let queued = 0;
  for (const rule of rules) {
    queued += await applyMany(q, rule, [...snaps].map(([dev, snap]) => ({
      scope: { customer: msg.customer, deviceId: dev, agentId: msg.agentId }, prefix: `device:${dev}:`, observed: observeDevice(rule.kind, rule.threshold, snap), at: snap.at,
    })));
  }
  if (queued) queuedSinceWake = true;
  return queued;
}

async function snapshots(q: Queryable, newest: Map<number, string>, wantCounters: boolean): Promise<Map<number, DeviceSnapshot>> {
  const out = new Map<number, DeviceSnapshot>();
  const devs = [...newest.keys()];
  for (let i = 0; i < devs.length; i += 200) {
    const c = devs.slice(i, i + 200);
    const ds = new Map((await q.all<Record<string, unknown>>(`SELECT id, errors, last_read_at, last_error_at FROM devices WHERE id IN (${inList(c.length)})`, c)).map((d) => [Number(d.id), d]));
    const supplies = new Map<number, Record<string, unknown>[]>();
    for (const s of await q.all<Record<string, unknown>>(
      `SELECT s.device_id, s.idx, s.description, s.color, s.class, s.level_percent, s.state, f.empty_at FROM supplies s
       LEFT JOIN supply_forecasts f ON f.device_id = s.device_id AND f.idx = s.idx WHERE s.device_id IN (${inList(c.length)})`, c)) {
      const l = supplies.get(Number(s.device_id)) ?? [];
      l.push(s);
      supplies.set(Number(s.device_id), l);
    }
    // The two newest reads of each watched counter at or before the device's newest reading: one statement, an index probe per device.
    const counters = new Map<number, { key: string; value: number; read_at: string }[]>();
    const withRead = c.filter((d) => ds.get(d)?.last_read_at);
    if (wantCounters && withRead.length) {
      const parts = withRead.map(() => `SELECT * FROM (SELECT device_id, key, value, read_at FROM counters WHERE device_id = ? AND key IN (${inList(BACKWARDS_KEYS.length)}) AND read_at <= ? ORDER BY read_at DESC LIMIT 12) t`);
      for (const r of await q.all<{ device_id: number; key: string; value: number; read_at: string }>(parts.join(' UNION ALL '),
        withRead.flatMap((d) => [d, ...BACKWARDS_KEYS, ds.get(d)!.last_read_at]))) {
        const l = counters.get(Number(r.device_id)) ?? [];
        l.push(r);
        counters.set(Number(r.device_id), l);
      }
    }
    for (const dev of c) out.set(dev, snapshotOf(ds.get(dev), supplies.get(dev) ?? [], (counters.get(dev) ?? []).sort((a, b) => (a.read_at < b.read_at ? 1 : a.read_at > b.read_at ? -1 : 0)), newest.get(dev)!));
  }
  return out;
}

function snapshotOf(d: Record<string, unknown> | undefined, supplies: Record<string, unknown>[], rows: { key: string; value: number; read_at: string }[], msgNewest: string): DeviceSnapshot {
  const lastRead = (d?.last_read_at as string | null) ?? null;
  const lastErr = (d?.last_error_at as string | null) ?? null;
  const backwards = new Map<string, [number, number]>();
  const counters = new Set<string>();
  if (lastRead) {
    for (const k of BACKWARDS_KEYS) {
      const [a, b] = rows.filter((r) => r.key === k);
      if (!a || a.read_at !== lastRead) continue;
      counters.add(k);
      if (b && Number(b.value) > Number(a.value)) backwards.set(k, [Number(b.value), Number(a.value)]);
    }
  }
  return {
    errors: lastRead && (!lastErr || lastRead >= lastErr) && d?.errors ? (JSON.parse(String(d.errors)) as string[]) : [],
    unreachable: !!lastErr && (!lastRead || lastErr > lastRead),
    supplies: supplies.map((s) => ({
      idx: String(s.idx), description: (s.description as string | null) ?? null, color: (s.color as string | null) ?? null, cls: (s.class as string | null) ?? null,
      level: s.level_percent === null ? null : Number(s.level_percent), state: (s.state as string | null) ?? null, emptyAt: (s.empty_at as string | null) ?? null,
    })),
    backwards,
    counters,
    at: [lastRead, lastErr, msgNewest].filter((x): x is string => !!x).sort().pop()!,
  };
}

/** Silence rules, on the timer: devices without a reading and agents not heard from for N hours. */
export async function evaluateSilence(db: Db, now = Date.now(), settleMs = DEFAULT_SETTLE_MS): Promise<number> {
  const rules = await rulesFor(db, ['device-silent', 'agent-silent']);
  let queued = 0;
  const at = new Date(now).toISOString();
  for (const rule of rules) {
    const cutoff = new Date(now - (rule.threshold ?? 24) * 3_600_000).toISOString();
    const c = rule.customer ? ' AND customer = ?' : '';
    const cp = rule.customer ? [rule.customer] : [];
    // Silent ones, plus those with an open event (to see them come back).
    const things = rule.kind === 'device-silent'
      ? await db.all<Record<string, unknown>>(
        `SELECT id, customer, last_read_at AS last_at, last_agent_id AS agent_id, serial, model FROM devices WHERE (last_read_at IS NULL OR last_read_at < ?)${c}
         UNION SELECT d.id, d.customer, d.last_read_at, d.last_agent_id, d.serial, d.model FROM devices d JOIN notify_events e ON e.device_id = d.id AND e.rule_id = ? AND e.state = 'open'`,
        [cutoff, ...cp, rule.id])
      : await db.all<Record<string, unknown>>(
        `SELECT agent_id, customer, last_heard_at AS last_at FROM agents WHERE revoked = 0 AND (last_heard_at IS NULL OR last_heard_at < ?)${c}
         UNION SELECT a.agent_id, a.customer, a.last_heard_at FROM agents a JOIN notify_events e ON e.agent_id = a.agent_id AND e.rule_id = ? AND e.state = 'open'`,
        [cutoff, ...cp, rule.id]);
    for (const t of things) {
      const lastAt = (t.last_at as string | null) ?? null;
      const obs = observeSilence(rule.threshold, lastAt, now);
      const hours = lastAt ? Math.floor((now - Date.parse(lastAt)) / 3_600_000) : null;
      const who = rule.kind === 'device-silent' ? `device ${String(t.serial ?? t.model ?? t.id)}` : `agent ${String(t.agent_id)}`;
      const detail = obs === 'active' ? `${who} silent ${hours === null ? 'since enrolment (never heard)' : `for ${hours} h`}` : `${who} heard again`;
      queued += await db.tx((q) => apply(q, rule,
        { customer: String(t.customer), deviceId: rule.kind === 'device-silent' ? Number(t.id) : null, agentId: (t.agent_id as string | null) ?? null },
        rule.kind === 'device-silent' ? `device:${String(t.id)}:` : `agent:${String(t.agent_id)}:`, [{ subject: 'silent', obs, detail }], at, settleMs));
    }
  }
  return queued;
}

export interface EventRow {
  id: number; ruleId: number; ruleName: string; kind: string; subject: string; customer: string | null; deviceId: number | null; agentId: string | null;
  state: string; detail: string | null; openedAt: string; clearedAt: string | null; ackedAt: string | null; ackedBy: string | null;
  serial: string | null; model: string | null;
}

export async function events(db: Db, opts: { open?: boolean; customer?: string; deviceId?: number; id?: number; limit?: number } = {}): Promise<EventRow[]> {
  const where: string[] = [];
  const p: unknown[] = [];
  if (opts.id !== undefined) { where.push('e.id = ?'); p.push(opts.id); }
  if (opts.open) where.push("e.state = 'open'");
  if (opts.customer) { where.push('e.customer = ?'); p.push(opts.customer); }
  if (opts.deviceId !== undefined) { where.push('e.device_id = ?'); p.push(opts.deviceId); }
  const rows = await db.all<Record<string, unknown>>(
    `SELECT e.*, r.name AS rule_name, d.serial, d.model FROM notify_events e JOIN notify_rules r ON r.id = e.rule_id LEFT JOIN devices d ON d.id = e.device_id
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.opened_at DESC, e.id DESC LIMIT ${Math.min(opts.limit ?? 500, 10_000)}`, p);
  return rows.map((r) => ({
    id: Number(r.id), ruleId: Number(r.rule_id), ruleName: String(r.rule_name), kind: String(r.kind), subject: String(r.subject),
    customer: (r.customer as string | null) ?? null, deviceId: r.device_id === null ? null : Number(r.device_id), agentId: (r.agent_id as string | null) ?? null,
    state: String(r.state), detail: (r.detail as string | null) ?? null, openedAt: String(r.opened_at), clearedAt: (r.cleared_at as string | null) ?? null,
    ackedAt: (r.acked_at as string | null) ?? null, ackedBy: (r.acked_by as string | null) ?? null, serial: (r.serial as string | null) ?? null, model: (r.model as string | null) ?? null,
  }));
}

/**
 * One event by id, within the same scope as the list (`customer`: a customer user's own; undefined: staff, every
 * customer); null when there is none or it is out of scope. A primary-key probe, however many events there are.
 */
export async function eventById(db: Db, id: number, opts: { customer?: string } = {}): Promise<EventRow | null> {
  return (await events(db, { id, customer: opts.customer, limit: 1 }))[0] ?? null;
}

/** Acknowledges an event: a person has seen it (it still clears, and notifies, when the condition ends). */
export async function acknowledge(db: Db, id: number, by: string | null, at = new Date()): Promise<boolean> {
  const r = await db.run('UPDATE notify_events SET acked_at = ?, acked_by = ? WHERE id = ? AND acked_at IS NULL', [at.toISOString(), by, id]);
  return r.changes > 0;
}
