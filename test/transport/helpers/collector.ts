/**
 * A small collector for tests, implementing docs/protocol.md on loopback: HTTPS
 * (or HTTP) POST /v1/messages, TCP and UDP auxiliary listeners, signature check,
 * dedup by messageId. `mode` makes it misbehave on purpose.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeAuxPacket, encodeAck, frame, type Message } from '@amr/protocol';

export type Mode = 'ok' | 'garbage' | 'slow' | 'oversized' | 'status500' | 'hang-then-ok';

export interface Collector {
  url: string;
  host: string;
  port: number;
  stored: Map<string, Message>;
  /** Every POST seen (including duplicates and rejects). */
  posts: number;
  mode: Mode;
  close(): Promise<void>;
}

export interface CollectorOptions {
  host: string;
  port?: number;
  key: string;
  agentId: string;
  tls?: { key: string; cert: string };
  mode?: Mode;
  /** Shared store, so several servers act as one collector (failover, dedup). */
  stored?: Map<string, Message>;
  /** Called when a POST arrives, before the reply (kill tests). */
  onPost?: () => void;
  slowMs?: number;
}

function verify(key: string, ts: string, sig: string, body: Buffer): boolean {
  const expected = Buffer.from('v1=' + createHmac('sha256', key).update(`${ts}.`).update(body).digest('hex'));
  const given = Buffer.from(sig);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The protocol checks; returns [status, reply]. */
export function accept(opts: CollectorOptions, stored: Map<string, Message>, agent: string, ts: string, sig: string, body: Buffer): [number, Record<string, unknown>] {
  if (agent !== opts.agentId) return [401, { ok: false, error: 'unknown agent' }];
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return [401, { ok: false, error: 'stale timestamp' }];
  if (!verify(opts.key, ts, sig, body)) return [401, { ok: false, error: 'bad signature' }];
  let m: Message;
  try {
    m = JSON.parse(gunzipSync(body).toString('utf8')) as Message;
  } catch {
    return [400, { ok: false, error: 'not gzip JSON' }];
  }
  if (m.agentId !== agent || typeof m.messageId !== 'string') return [400, { ok: false, error: 'schema' }];
  const duplicate = stored.has(m.messageId);
  if (!duplicate) stored.set(m.messageId, m);
  return [200, { ok: true, messageId: m.messageId, duplicate }];
}

export async function startCollector(opts: CollectorOptions): Promise<Collector> {
  const stored = opts.stored ?? new Map<string, Message>();
  const state: Collector = { url: '', host: opts.host, port: 0, stored, posts: 0, mode: opts.mode ?? 'ok', close: async () => {} };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.posts++;
      opts.onPost?.();
      const body = Buffer.concat(chunks);
      if (req.method !== 'POST' || req.url !== new URL(state.url).pathname.replace(/\/$/, '') + '/v1/messages') {
        res.writeHead(404).end('{"ok":false,"error":"not found"}');
        return;
      }
      const reply = () => {
        switch (state.mode) {
          case 'garbage': res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Welcome to the hotel wifi</html>'); return;
          case 'oversized': res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true,"pad":"' + 'x'.repeat(1024 * 1024) + '"}'); return;
          case 'status500': res.writeHead(500).end('{"ok":false,"error":"database down"}'); return;
        }
        const [status, json] = accept(opts, stored, String(req.headers['x-amr-agent']), String(req.headers['x-amr-timestamp']), String(req.headers['x-amr-signature']), body);
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      };
      if (state.mode === 'slow') setTimeout(reply, opts.slowMs ?? 5000);
      else reply();
    });
  };
  const server: Server = opts.tls ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, handler) : createHttpServer(handler);
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  server.on('tlsClientError', () => {});
  await new Promise<void>((r) => server.listen(opts.port ?? 0, opts.host, r));
  state.port = (server.address() as { port: number }).port;
  state.url = `${opts.tls ? 'https' : 'http'}://${opts.host}:${state.port}/amr`;
  state.close = () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); });
  return state;
}

export interface AuxListeners { tcpPort: number; udpPort: number; stored: Map<string, Message>; packets: number; datagrams: number; close(): Promise<void> }

/** TCP and UDP auxiliary listeners on `host`. `dropFirst` UDP datagrams are ignored (to exercise resends). */
export async function startAux(opts: CollectorOptions & { dropFirst?: number; tcpPort?: number; udpPort?: number }): Promise<AuxListeners> {
  const stored = opts.stored ?? new Map<string, Message>();
  let dropped = 0;
  const out: AuxListeners = { tcpPort: 0, udpPort: 0, stored, packets: 0, datagrams: 0, close: async () => {} };
  const handle = (packet: Buffer): string => {
    out.packets++;
    const p = decodeAuxPacket(packet);
    if (!p) return 'AMR1 ERR - malformed packet';
    const [status, json] = accept(opts, stored, p.agentId, String(p.timestamp), p.signature, p.body);
    if (status !== 200) return `AMR1 ERR - ${String(json.error)}`;
    return encodeAck(opts.key, String(json.messageId), json.duplicate === true);
  };
  const tcp: TcpServer = createTcpServer((sock) => {
    let buf = Buffer.alloc(0);
    sock.on('error', () => {});
    sock.on('data', (c) => {
      buf = Buffer.concat([buf, c]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
        const len = buf.readUInt32BE(0);
        sock.write(frame(Buffer.from(handle(buf.subarray(4, 4 + len)))));
        buf = buf.subarray(4 + len);
      }
    });
  });
  await new Promise<void>((r) => tcp.listen(opts.tcpPort ?? 0, opts.host, r));
  out.tcpPort = (tcp.address() as { port: number }).port;
  const udp: UdpSocket = createSocket('udp4');
  udp.on('message', (msg, rinfo) => {
    out.datagrams++;
    if (dropped < (opts.dropFirst ?? 0)) { dropped++; return; }
    udp.send(handle(msg), rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => udp.bind(opts.udpPort ?? 0, opts.host, r));
  out.udpPort = udp.address().port;
  out.close = async () => {
    await new Promise<void>((r) => tcp.close(() => r()));
    await new Promise<void>((r) => udp.close(() => r()));
  };
  return out;
}
