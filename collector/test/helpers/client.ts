/**
 * A small agent-side client written from docs/protocol.md alone (the agent's own
 * sender lives in src/transport): gzip the JSON, sign timestamp + "." + the
 * gzip bytes, POST with the X-AMR-* headers.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { gzipSync } from 'node:zlib';

export interface Agent { agentId: string; key: string; customer: string }

export function sign(key: string, ts: number | string, body: Buffer): string {
  return 'v1=' + createHmac('sha256', key).update(`${ts}.`).update(body).digest('hex');
}

export interface PostOptions {
  /** Override the timestamp (seconds). */
  ts?: number;
  /** Sign with this key instead of the agent's. */
  signWith?: string;
  headers?: Record<string, string>;
  ca?: string;
}

export interface Reply { status: number; body: Record<string, unknown> & { ok?: boolean; error?: string; messageId?: string; duplicate?: boolean } }

export function postRaw(url: string, agentId: string, key: string, body: Buffer, opts: PostOptions = {}): Promise<Reply> {
  const ts = opts.ts ?? Math.floor(Date.now() / 1000);
  const u = new URL(`${url}/v1/messages`);
  const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, {
    method: 'POST',
    ca: opts.ca,
    headers: {
      'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(body.length),
      'x-amr-agent': agentId, 'x-amr-timestamp': String(ts), 'x-amr-signature': sign(opts.signWith ?? key, ts, body),
      ...opts.headers,
    },
  });
  return new Promise((resolve, reject) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: Reply['body'];
        try { parsed = JSON.parse(text) as Reply['body']; } catch { parsed = { text }; }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function post(url: string, agent: Agent, message: object, opts: PostOptions = {}): Promise<Reply> {
  return postRaw(url, agent.agentId, agent.key, gzipSync(Buffer.from(JSON.stringify(message))), opts);
}

export function message(agent: Agent, readings: object[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    protocol: 1, type: 'readings', messageId: randomUUID(), agentId: agent.agentId, customer: agent.customer,
    agentVersion: '0.1.0', createdAt: new Date().toISOString(), readings, ...extra,
  };
}

export interface ReadingSpec {
  serial?: string | null; vendor?: string | null; model?: string; mac?: string | null; ip?: string;
  readAt: string | Date; counters?: Record<string, number>;
  supplies?: { description: string; color?: string | null; levelPercent: number | null; state: string; class?: string; type?: string }[];
  alerts?: { severity: string; code: number | null; codeName: string | null; description: string }[];
  status?: string; ok?: boolean; error?: string;
}

/** A WireReading as docs/protocol.md describes it. */
export function reading(s: ReadingSpec): Record<string, unknown> {
  return {
    host: s.ip ?? '127.0.0.1',
    readAt: typeof s.readAt === 'string' ? s.readAt : s.readAt.toISOString(),
    ok: s.ok ?? true,
    error: s.error ?? null,
    reason: 'pages',
    identity: {
      serial: s.serial === undefined ? 'SN0001' : s.serial, ip: s.ip ?? '10.0.0.5', mac: s.mac === undefined ? 'aa:bb:cc:00:00:01' : s.mac,
      vendor: s.vendor === undefined ? 'HP' : s.vendor, model: s.model ?? 'LaserJet M607', firmware: '2409', hostname: 'npi1', location: 'Floor 2', sysObjectID: '1.3.6.1.4.1.11.2.3.9.1',
    },
    status: { device: s.status ?? 'running', printer: 'idle', errors: [] },
    counters: Object.fromEntries(Object.entries(s.counters ?? {}).map(([k, v]) => [k, { value: v, unit: 'impressions' }])),
    extraCounters: {},
    supplies: (s.supplies ?? []).map((x) => ({ type: 'toner', class: 'consumed', color: null, ...x })),
    alerts: s.alerts ?? [],
    flags: [],
    profile: null,
  };
}
