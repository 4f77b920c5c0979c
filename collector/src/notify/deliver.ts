/**
 * Delivery of queued notifications: e-mail through nodemailer (SMTP, STARTTLS required)
 * and webhooks as a JSON POST signed with HMAC-SHA256 of "timestamp.body" under the
 * rule's secret (headers X-AMR-Timestamp and X-AMR-Signature: sha256=HEX), the same
 * shape as the agent's own message signature so a receiver checks it the same way.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Db } from '../db/types.js';
import { toRule, type Rule } from './rules.js';

export interface SmtpSettings {
  /** smtp://[user:pass@]host[:port] (STARTTLS is required) or smtps:// (TLS from the start). */
  url: string;
  from: string;
  /** PEM text or a file: a private CA or self-signed certificate to trust for the SMTP server. */
  ca?: string;
}

export interface Notice {
  transition: 'open' | 'clear';
  rule: { id: number; name: string; kind: string };
  event: { id: number; subject: string; customer: string | null; detail: string | null; openedAt: string; clearedAt: string | null; agentId: string | null };
  device: { id: number; vendor: string | null; model: string | null; serial: string | null; mac: string | null; location: string | null; ip: string | null } | null;
}

export function webhookSignature(secret: string, ts: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${ts}.`).update(body).digest('hex')}`;
}

function subjectLine(n: Notice): string {
  const dev = n.device ? [n.device.vendor, n.device.model, n.device.serial ?? n.device.mac].filter(Boolean).join(' ') : n.event.agentId ? `agent ${n.event.agentId}` : '';
  return `[amr] ${n.transition === 'open' ? 'OPEN' : 'CLEARED'} ${n.rule.kind}: ${[n.event.customer, dev, n.event.detail].filter(Boolean).join(' - ')}`.replace(/[\r\n]+/g, ' ').slice(0, 200);
}

function bodyText(n: Notice): string {
  const lines = [
    n.transition === 'open' ? `${n.rule.name}: ${n.event.detail ?? ''}` : `Cleared: ${n.rule.name}: ${n.event.detail ?? ''}`,
    '',
    `Customer: ${n.event.customer ?? '-'}`,
    n.device ? `Device: ${[n.device.vendor, n.device.model].filter(Boolean).join(' ')} serial ${n.device.serial ?? '-'} MAC ${n.device.mac ?? '-'} IP ${n.device.ip ?? '-'}` : null,
    n.device?.location ? `Location: ${n.device.location}` : null,
    n.event.agentId ? `Agent: ${n.event.agentId}` : null,
    `Since: ${n.event.openedAt}${n.event.clearedAt ? `, cleared ${n.event.clearedAt}` : ''}`,
    `Event ${n.event.id} (acknowledge: amr-collector notify ack ${n.event.id})`,
  ];
  return lines.filter((l) => l !== null).join('\n') + '\n';
}

export interface Sender { send(rule: Rule, n: Notice): Promise<void>; close(): void }

export function sender(smtp: SmtpSettings | null, opts: { webhookTimeoutMs?: number } = {}): Sender {
  let transport: Transporter | null = null;
  const mailer = () => {
    if (!smtp) throw new Error('no SMTP server configured (AMR_COLLECTOR_SMTP_URL)');
    if (!transport) {
      const u = new URL(smtp.url);
      const ca = smtp.ca ? (smtp.ca.includes('-----BEGIN') ? smtp.ca : readFileSync(smtp.ca, 'utf8')) : undefined;
      transport = nodemailer.createTransport({
        host: u.hostname, port: Number(u.port || (u.protocol === 'smtps:' ? 465 : 587)), secure: u.protocol === 'smtps:',
        requireTLS: u.protocol !== 'smtps:', auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
        tls: { ca, ...(isIP(u.hostname) ? {} : { servername: u.hostname }) }, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000,
      });
    }
    return transport;
  };
  return {
    async send(rule, n) {
      if (rule.channel === 'email') {
        await mailer().sendMail({ from: smtp!.from, to: rule.target, subject: subjectLine(n), text: bodyText(n), headers: { 'X-AMR-Event': `${n.event.id}-${n.transition}` } });
        return;
      }
      const body = JSON.stringify({ transition: n.transition, rule: n.rule, event: n.event, device: n.device });
      const ts = String(Math.floor(Date.now() / 1000));
      const res = await fetch(rule.target, {
        method: 'POST', body, redirect: 'error', signal: AbortSignal.timeout(opts.webhookTimeoutMs ?? 10_000),
        headers: { 'content-type': 'application/json', 'x-amr-timestamp': ts, 'x-amr-signature': webhookSignature(rule.secret ?? '', ts, body), 'x-amr-event': `${n.event.id}-${n.transition}`, 'user-agent': 'amr-collector' },
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 200 || res.status >= 300) throw new Error(`webhook answered HTTP ${res.status}`);
    },
    close() { transport?.close(); transport = null; },
  };
}

const BACKOFF_MS = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000, 3 * 3_600_000, 6 * 3_600_000];

/**
 * Sends what is due in the outbox. Each row is claimed first (status pending -> sending, one
 * UPDATE), so several collectors sharing PostgreSQL never send it twice; a failure is retried
 * with backoff, then marked failed.
 */
export async function deliverPending(db: Db, s: Sender, now = Date.now(), limit = 50): Promise<{ sent: number; failed: number }> {
  const due = await db.all<Record<string, unknown>>(
    `SELECT o.id AS outbox_id, o.transition, o.attempts, o.detail, e.id AS event_id, e.subject, e.customer AS event_customer, e.opened_at, e.cleared_at,
       e.agent_id, e.device_id, r.id, r.name, r.kind, r.threshold, r.customer, r.channel, r.target, r.secret, r.enabled, r.created_at
     FROM notify_outbox o JOIN notify_events e ON e.id = o.event_id JOIN notify_rules r ON r.id = o.rule_id
     WHERE o.status = 'pending' AND o.next_attempt_at <= ? ORDER BY o.id LIMIT ${limit}`, [new Date(now).toISOString()]);
  let sent = 0;
  let failed = 0;
  for (const row of due) {
    const id = Number(row.outbox_id);
    const claimed = await db.run("UPDATE notify_outbox SET status = 'sending' WHERE id = ? AND status = 'pending'", [id]);
    if (!claimed.changes) continue;
    const rule = toRule(row);
    const dev = row.device_id === null ? null : await db.get<Record<string, unknown>>('SELECT id, vendor, model, serial, mac, location, ip FROM devices WHERE id = ?', [row.device_id]);
    const n: Notice = {
      transition: row.transition as Notice['transition'],
      rule: { id: rule.id, name: rule.name, kind: rule.kind },
      event: { id: Number(row.event_id), subject: String(row.subject), customer: (row.event_customer as string | null) ?? null, detail: (row.detail as string | null) ?? null,
        openedAt: String(row.opened_at), clearedAt: (row.cleared_at as string | null) ?? null, agentId: (row.agent_id as string | null) ?? null },
      device: dev ? { id: Number(dev.id), vendor: dev.vendor as string | null, model: dev.model as string | null, serial: dev.serial as string | null, mac: dev.mac as string | null, location: dev.location as string | null, ip: dev.ip as string | null } : null,
    };
    try {
      await s.send(rule, n);
      await db.run("UPDATE notify_outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?", [new Date().toISOString(), id]);
      sent++;
    } catch (err) {
      const attempts = Number(row.attempts) + 1;
      const msg = (err as Error).message.split('\n')[0]!.slice(0, 300);
      const giveUp = attempts > BACKOFF_MS.length;
      await db.run('UPDATE notify_outbox SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?',
        [giveUp ? 'failed' : 'pending', attempts, msg, new Date(now + (BACKOFF_MS[attempts - 1] ?? 0)).toISOString(), id]);
      failed++;
    }
  }
  return { sent, failed };
}
