/** Notification rules: what to watch (kind, threshold, customer) and where to tell (e-mail address or webhook URL). */
import { randomBytes } from 'node:crypto';
import type { Db, Queryable } from '../db/types.js';
import { DEFAULT_THRESHOLD, RULE_KINDS, type RuleKind } from './conditions.js';

export class RuleError extends Error {}

export interface Rule {
  id: number; name: string; kind: RuleKind; threshold: number | null; customer: string | null;
  channel: 'email' | 'webhook'; target: string; secret: string | null; enabled: boolean; createdAt: string;
}

export interface NewRule { name?: string; kind: string; threshold?: number | null; customer?: string | null; email?: string; webhook?: string }

const EMAIL = /^[^\s@<>",;]+@[^\s@<>",;]+$/;

export function toRule(r: Record<string, unknown>): Rule {
  return {
    id: Number(r.id), name: String(r.name), kind: r.kind as RuleKind, threshold: r.threshold === null ? null : Number(r.threshold),
    customer: (r.customer as string | null) ?? null, channel: r.channel as Rule['channel'], target: String(r.target),
    secret: (r.secret as string | null) ?? null, enabled: Number(r.enabled) === 1, createdAt: String(r.created_at),
  };
}

/** Validates and stores a rule; a webhook rule gets a fresh signing secret (returned once). */
export async function addRule(db: Db, r: NewRule): Promise<Rule> {
  if (!(RULE_KINDS as readonly string[]).includes(r.kind)) throw new RuleError(`unknown kind "${r.kind}": use one of ${RULE_KINDS.join(', ')}`);
  if (!!r.email === !!r.webhook) throw new RuleError('give exactly one of --email ADDRESS or --webhook URL');
  if (r.email && !EMAIL.test(r.email)) throw new RuleError(`--email "${r.email}" is not an e-mail address`);
  if (r.webhook) {
    let u: URL;
    try { u = new URL(r.webhook); } catch { throw new RuleError(`--webhook "${r.webhook}" is not a URL`); }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new RuleError(`--webhook "${r.webhook}" must be an http(s) URL`);
  }
  if (r.threshold !== undefined && r.threshold !== null && !(Number.isFinite(r.threshold) && r.threshold >= 0)) throw new RuleError('--threshold must be a number >= 0');
  if (r.customer && !(await db.get('SELECT code FROM customers WHERE code = ?', [r.customer]))) throw new RuleError(`no customer "${r.customer}": see amr-collector fleet`);
  const kind = r.kind as RuleKind;
  const threshold = r.threshold ?? DEFAULT_THRESHOLD[kind];
  const secret = r.webhook ? randomBytes(32).toString('base64url') : null;
  const row = await db.get<Record<string, unknown>>(
    `INSERT INTO notify_rules (name, kind, threshold, customer, channel, target, secret, enabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?) RETURNING *`,
    [r.name ?? kind, kind, threshold, r.customer ?? null, r.email ? 'email' : 'webhook', r.email ?? r.webhook, secret, new Date().toISOString()]);
  return toRule(row!);
}

export async function listRules(db: Db | Queryable): Promise<Rule[]> {
  return (await db.all('SELECT * FROM notify_rules ORDER BY id')).map(toRule);
}

/** Disables a rule (its past events stay for the record; no more notifications). */
export async function removeRule(db: Db, id: number): Promise<void> {
  const r = await db.run('UPDATE notify_rules SET enabled = 0 WHERE id = ? AND enabled = 1', [id]);
  if (!r.changes) throw new RuleError(`no active rule ${id}: see amr-collector notify list`);
  await db.run("UPDATE notify_outbox SET status = 'dropped' WHERE rule_id = ? AND status = 'pending'", [id]);
}
