/**
 * Real receivers on loopback for notification tests: an SMTP server (the smtp-server
 * package) offering STARTTLS with a self-signed certificate made by openssl, and an HTTP
 * server that records webhook POSTs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface Mail { from: string; to: string[]; subject: string; text: string; secure: boolean }

export async function startSmtp(host: string): Promise<{ url: string; ca: string; mails: Mail[]; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'amr-smtp-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', `/CN=${host}`, '-addext', `subjectAltName=IP:${host}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const ca = readFileSync(cert, 'utf8');
  const mails: Mail[] = [];
  const server = new SMTPServer({
    secure: false, key: readFileSync(key), cert: ca, authOptional: true, logger: false, disableReverseLookup: true,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const [head, ...body] = raw.split(/\r?\n\r?\n/);
        const subject = /^Subject: (.*(?:\r?\n[ \t].*)*)/im.exec(head ?? '')?.[1]?.replace(/\r?\n[ \t]/g, ' ') ?? '';
        mails.push({ from: session.envelope.mailFrom ? (session.envelope.mailFrom as { address: string }).address : '', to: session.envelope.rcptTo.map((r) => r.address), subject, text: body.join('\n\n'), secure: session.secure });
        cb();
      });
    },
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, host, () => resolve()); });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://${host}:${port}`, ca, mails,
    async stop() {
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Hook { headers: Record<string, string>; body: string }

export async function startWebhookReceiver(host: string, status = 204): Promise<{ url: string; hooks: Hook[]; setStatus(s: number): void; stop(): Promise<void> }> {
  const hooks: Hook[] = [];
  let answer = status;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (answer < 300) hooks.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}/hooks/amr`, hooks, setStatus: (s) => { answer = s; },
    stop: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** Polls until `fn` is true (deliveries are asynchronous); fails with `what` after `ms`. */
export async function until(fn: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
