/**
 * Client side of the auxiliary channels (docs/protocol.md): one packet over TCP
 * (length-prefixed frame) or UDP (one datagram, resent with backoff), each waiting
 * for a signed ACK. Only a verified ACK for the same message id counts.
 */
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP, Socket } from 'node:net';
import { decodeAuxReply, frame, UDP_MAX_BYTES } from '@amr/protocol';
import { printable } from './http.js';

export type AuxResult =
  | { ok: true; duplicate: boolean; latencyMs: number }
  | { ok: false; kind: 'timeout' | 'refused' | 'bad-reply' | 'network' | 'too-large' | 'dns'; error: string; latencyMs: number }
  /**
   * The collector answered ERR; `reason` is its text (made printable), `code` its stable refusal
   * code (null from collectors before the codes), `signed` whether the ERR names this message and
   * its signature verifies (only then may a permanent refusal set the message aside).
   */
  | { ok: false; kind: 'rejected'; error: string; reason: string; code: string | null; signed: boolean; latencyMs: number };

export interface AuxRequest { host: string; port: number; packet: Buffer; key: string; messageId: string }

const MAX_REPLY = 4096;

function interpret(reply: Buffer, req: AuxRequest, started: number): AuxResult {
  const latencyMs = Date.now() - started;
  const r = decodeAuxReply(reply, req.key);
  if (r.kind === 'ack') {
    if (r.messageId !== req.messageId) return { ok: false, kind: 'bad-reply', error: `ACK for another message (${r.messageId})`, latencyMs };
    if (!r.valid) return { ok: false, kind: 'bad-reply', error: 'ACK signature does not verify (wrong agent_key on one side, or a forged reply)', latencyMs };
    return { ok: true, duplicate: r.duplicate, latencyMs };
  }
  if (r.kind === 'err') {
    const reason = printable(r.error, 200);
    const signed = r.signed && r.messageId === req.messageId;
    return { ok: false, kind: 'rejected', error: `server rejected the message: ${reason}${r.code ? ` (${r.code})` : ''}`, reason, code: r.code, signed, latencyMs };
  }
  return { ok: false, kind: 'bad-reply', error: `not an amr reply: ${printable(r.text)}`, latencyMs };
}

async function resolve(host: string): Promise<{ address: string; family: 4 | 6 }> {
  const bare = host.replace(/^\[|\]$/g, '');
  const fam = isIP(bare);
  if (fam) return { address: bare, family: fam as 4 | 6 };
  const r = await lookup(bare);
  return { address: r.address, family: r.family as 4 | 6 };
}

/** UDP: send, wait `waits[i]` ms (±20 % jitter) for the ACK, resend the same bytes, … */
export async function sendUdp(req: AuxRequest, waits: readonly number[] = [1000, 2000, 4000]): Promise<AuxResult> {
  const started = Date.now();
  if (req.packet.length > UDP_MAX_BYTES) {
    return { ok: false, kind: 'too-large', error: `message is ${req.packet.length} bytes; UDP carries at most ${UDP_MAX_BYTES}`, latencyMs: 0 };
  }
  let target: { address: string; family: 4 | 6 };
  try {
    target = await resolve(req.host);
  } catch (e) {
    return { ok: false, kind: 'dns', error: `host name does not resolve (${(e as NodeJS.ErrnoException).code ?? 'error'})`, latencyMs: Date.now() - started };
  }
  const socket = createSocket(target.family === 6 ? 'udp6' : 'udp4');
  return await new Promise<AuxResult>((done) => {
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    let refused = false;
    const finish = (r: AuxResult) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.close();
      done(r);
    };
    socket.on('message', (msg, rinfo) => {
      // Replies come from the server's address; anything else is ignored.
      if (rinfo.address !== target.address) return;
      const r = interpret(msg, req, started);
      if (r.ok || r.kind === 'rejected') finish(r);
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      // ICMP port unreachable surfaces as ECONNREFUSED on a connected socket; keep trying the schedule.
      if (e.code === 'ECONNREFUSED') { refused = true; return; }
      finish({ ok: false, kind: 'network', error: e.message, latencyMs: Date.now() - started });
    });
    let attempt = 0;
    const sendOnce = () => {
      if (finished) return;
      if (attempt >= waits.length) {
        finish(refused
          ? { ok: false, kind: 'refused', error: `UDP port ${req.port} unreachable (ICMP), no ACK after ${waits.length} tries`, latencyMs: Date.now() - started }
          : { ok: false, kind: 'timeout', error: `no ACK after ${waits.length} tries (${Math.round((Date.now() - started) / 100) / 10}s); UDP ${req.port} may be blocked`, latencyMs: Date.now() - started });
        return;
      }
      const wait = waits[attempt++]! * (0.8 + Math.random() * 0.4);
      socket.send(req.packet, (err) => { if (err && !finished) refused = refused || (err as NodeJS.ErrnoException).code === 'ECONNREFUSED'; });
      timer = setTimeout(sendOnce, wait);
    };
    socket.connect(req.port, target.address, (err?: Error) => {
      if (err) finish({ ok: false, kind: 'network', error: err.message, latencyMs: Date.now() - started });
      else sendOnce();
    });
  });
}

/** TCP: connect, send one frame, read one reply frame. */
export async function sendTcp(req: AuxRequest, timeoutMs: number): Promise<AuxResult> {
  const started = Date.now();
  let target: { address: string; family: 4 | 6 };
  try {
    target = await resolve(req.host);
  } catch (e) {
    return { ok: false, kind: 'dns', error: `host name does not resolve (${(e as NodeJS.ErrnoException).code ?? 'error'})`, latencyMs: Date.now() - started };
  }
  return await new Promise<AuxResult>((done) => {
    const socket = new Socket();
    let buf = Buffer.alloc(0);
    let finished = false;
    const finish = (r: AuxResult) => {
      if (finished) return;
      finished = true;
      socket.destroy();
      done(r);
    };
    socket.setTimeout(timeoutMs, () => finish({ ok: false, kind: 'timeout', error: `no ACK within ${timeoutMs / 1000}s on TCP ${req.port}`, latencyMs: Date.now() - started }));
    socket.on('error', (e: NodeJS.ErrnoException) => finish({
      ok: false,
      kind: e.code === 'ECONNREFUSED' ? 'refused' : 'network',
      error: e.code === 'ECONNREFUSED' ? `TCP ${req.port} refused` : `${e.message}`,
      latencyMs: Date.now() - started,
    }));
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 4) {
        const len = buf.readUInt32BE(0);
        if (len > MAX_REPLY) { finish({ ok: false, kind: 'bad-reply', error: `reply frame of ${len} bytes; not an amr reply`, latencyMs: Date.now() - started }); return; }
        if (buf.length >= 4 + len) finish(interpret(buf.subarray(4, 4 + len), req, started));
      }
    });
    socket.on('end', () => finish({ ok: false, kind: 'bad-reply', error: 'server closed the connection without a reply', latencyMs: Date.now() - started }));
    socket.connect(req.port, target.address, () => socket.write(frame(req.packet)));
  });
}
