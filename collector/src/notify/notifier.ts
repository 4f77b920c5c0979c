/**
 * The collector's notification loop: delivers the outbox at once when ingest queued
 * something, and every `intervalMs` evaluates the silence rules and retries what is due.
 */
import type { Db } from '../db/types.js';
import type { Logger } from '../log.js';
import { deliverPending, sender, type SmtpSettings } from './deliver.js';
import { evaluateSilence, onQueued } from './evaluate.js';

export interface NotifierOptions {
  smtp?: SmtpSettings | null;
  /** Silence check and retry period (default 60 s). */
  intervalMs?: number;
  /** Clear only after this long without the condition (default 15 min). */
  settleMs?: number;
  webhookTimeoutMs?: number;
}

/** SMTP settings from the environment (AMR_COLLECTOR_SMTP_URL, AMR_COLLECTOR_MAIL_FROM, AMR_COLLECTOR_SMTP_CA). */
export function smtpFromEnv(env = process.env): SmtpSettings | null {
  const url = env.AMR_COLLECTOR_SMTP_URL;
  if (!url) return null;
  return { url, from: env.AMR_COLLECTOR_MAIL_FROM ?? 'amr-collector@localhost', ca: env.AMR_COLLECTOR_SMTP_CA || undefined };
}

export function startNotifier(db: Db, log: Logger, o: NotifierOptions = {}): { stop(): Promise<void>; tick(): Promise<void> } {
  const s = sender(o.smtp === undefined ? smtpFromEnv() : o.smtp, { webhookTimeoutMs: o.webhookTimeoutMs });
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const run = async (silence: boolean) => {
    try {
      if (silence) await evaluateSilence(db, Date.now(), o.settleMs);
      for (;;) {
        const r = await deliverPending(db, s);
        if (r.sent || r.failed) log(r.failed ? 'warn' : 'info', `notifications: ${r.sent} sent, ${r.failed} failed (retried later; amr-collector notify events)`);
        if (r.sent + r.failed < 50) break;
      }
    } catch (err) {
      if (!stopped) log('error', `notifications: ${(err as Error).message.split('\n')[0]}`);
    }
  };
  const kick = (silence: boolean) => {
    if (stopped) return Promise.resolve();
    if (running) { again = true; return running; }
    running = run(silence).finally(() => {
      running = null;
      if (again && !stopped) { again = false; void kick(false); }
    });
    return running;
  };
  const unhook = onQueued(() => void kick(false));
  const timer = setInterval(() => void kick(true), o.intervalMs ?? 60_000);
  timer.unref();
  void kick(true);
  return {
    tick: () => kick(true),
    async stop() {
      stopped = true;
      clearInterval(timer);
      unhook();
      while (running) await running;
      s.close();
    },
  };
}
