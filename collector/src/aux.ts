import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { decodeAuxPacket, encodeAck, encodeErr, frame, TCP_MAX_FRAME, UDP_MAX_BYTES } from '@amr/protocol';
import { agentKeyBox } from './agent-keys.js';
import type { Db } from './db/types.js';
import { q, type Logger } from './log.js';
import { isRefusal, preflight, receive, type Envelope, type Outcome } from './receive.js';
import type { IngestLimits } from './ingest.js';

/**
 * The auxiliary channels of docs/protocol.md, for small critical messages when
 * HTTPS is blocked. A packet is the line `AMR1 <agent id, URL-encoded> <unix
 * time> <signature>\n` followed by the gzip body, checked exactly like an HTTP
 * POST. TCP carries packets in frames (4-byte big-endian length, then the
 * packet), UDP one packet per datagram. The reply is `AMR1 ACK <messageId>
 * <0|1 duplicate> v1=<hex HMAC(key, "ack.<messageId>.<0|1>")>` or
 * `AMR1 ERR <messageId or -> code=<code> [v1=<hex HMAC(key, "err.<messageId>.<code>")>] <error>`.
 */
const TCP_IDLE_MS = 30_000;
/** A connection lives at most this long, however it trickles: the idle timer alone would be reset by one byte every 29 s. */
export const TCP_DEADLINE_MS = 60_000;
/** Open auxiliary TCP connections, all together and from one address. */
export const TCP_MAX_CONNECTIONS = 256;
export const TCP_MAX_PER_ADDRESS = 16;

async function agentKey(db: Db, agentId: string | undefined): Promise<string> {
  const row = await db.get<{ agent_key: string }>('SELECT agent_key FROM agents WHERE agent_id = ?', [agentId]);
  return (await agentKeyBox(db)).open(row!.agent_key);
}

async function reply(db: Db, env: Envelope, out: Outcome): Promise<string> {
  // Signed with the agent's key so a forged ACK cannot make the agent drop a message.
  if (out.body.ok) return encodeAck(await agentKey(db, env.agentId), out.body.messageId, out.body.duplicate);
  // A refusal naming the message came after its signature verified: signed too, so a forged ERR
  // cannot make the agent set a message aside. The others carry the code unsigned.
  return encodeErr(out.messageId ?? null, out.body.error, out.body.code, out.messageId ? await agentKey(db, env.agentId) : null);
}

/** An ERR line cut to `max` bytes by shortening its text (never its code or signature), or null when even that is too long. */
export function fitReply(line: string, max: number): string | null {
  if (Buffer.byteLength(line) <= max) return line;
  if (!line.startsWith('AMR1 ERR ')) return null;
  const head = /^AMR1 ERR \S+ (?:code=\S+ )?(?:v1=\S+ )?/.exec(line)![0];
  const room = max - Buffer.byteLength(head);
  if (room < 8) return null;
  return head + Buffer.from(line.slice(head.length)).subarray(0, room).toString('utf8').replace(/\uFFFD$/, '');
}

async function handlePacket(db: Db, log: Logger, packet: Buffer, channel: 'tcp' | 'udp', remote: string, limits?: IngestLimits): Promise<string | null> {
  const env = decodeAuxPacket(packet);
  if (!env) {
    log('warn', `reject ${channel} packet that is not AMR1 from=${remote}`);
    return null;
  }
  const out = await receive(db, env, channel, remote, Date.now(), limits);
  if (out.body.ok) log('info', `stored ${out.body.duplicate ? 'duplicate ' : ''}message ${q(out.body.messageId)} agent=${q(out.agentId)} readings=${out.readings ?? 0} via=${channel} from=${remote}`);
  else log(out.status === 503 ? 'error' : 'warn', `reject ${out.status} ${out.body.error} agent=${q(out.agentId)} via=${channel} from=${remote}${out.internal ? ` (${out.internal})` : ''}`);
  return reply(db, env, out);
}

/**
 * Memory per connection is bounded by one frame (64 KiB + 4), and a stranger's by the packet's
 * header line: the agent and timestamp are checked as soon as the line is in, before the body.
 */
export interface TcpBounds { deadlineMs: number; connections: number; perAddress: number }

export function startTcp(db: Db, log: Logger, port: number, host: string, limits?: IngestLimits, bounds: Partial<TcpBounds> = {}): Promise<Server> {
  const b: TcpBounds = { deadlineMs: TCP_DEADLINE_MS, connections: TCP_MAX_CONNECTIONS, perAddress: TCP_MAX_PER_ADDRESS, ...bounds };
  const perAddress = new Map<string, number>();
  const server = createServer((sock: Socket) => {
    const remote = sock.remoteAddress ?? '?';
    const open = (perAddress.get(remote) ?? 0) + 1;
    perAddress.set(remote, open);
    sock.once('close', () => {
      const n = (perAddress.get(remote) ?? 1) - 1;
      if (n > 0) perAddress.set(remote, n);
      else perAddress.delete(remote);
    });
    if (open > b.perAddress) {
      log('warn', `tcp connection refused: ${open - 1} open from=${remote}`);
      sock.destroy();
      return;
    }
    let buf: Buffer = Buffer.alloc(0);
    let busy = false;
    let checked = false; // the current frame's header line passed the preflight
    sock.setTimeout(TCP_IDLE_MS, () => sock.destroy());
    const deadline = setTimeout(() => sock.destroy(), b.deadlineMs);
    deadline.unref();
    sock.once('close', () => clearTimeout(deadline));
    sock.on('error', () => undefined);
    const refuse = (line: string) => {
      buf = Buffer.alloc(0);
      sock.end(frame(line));
    };
    const pump = async (): Promise<void> => {
      if (busy) return;
      busy = true;
      try {
        while (buf.length >= 4 && !sock.destroyed) {
          const len = buf.readUInt32BE(0);
          if (len > TCP_MAX_FRAME) {
            log('warn', `reject 413 tcp frame of ${len} bytes from=${remote}`);
            return refuse(encodeErr(null, 'too large', 'too_large'));
          }
          if (!checked) {
            const nl = buf.subarray(4, Math.min(buf.length, 4 + len)).indexOf(0x0a);
            if (nl < 0) {
              if (buf.length - 4 > 512 || buf.length >= 4 + len) return void sock.destroy(); // not AMR1
              break;
            }
            const head = decodeAuxPacket(buf.subarray(4, 4 + nl + 1));
            if (!head) return void sock.destroy();
            const pre = await preflight(db, head.agentId, head.timestamp);
            if (isRefusal(pre)) {
              log('warn', `reject ${pre.status} ${pre.body.ok ? '' : pre.body.error} agent=${q(head.agentId)} via=tcp from=${remote}`);
              return refuse(pre.body.ok ? encodeErr(null, '') : encodeErr(null, pre.body.error, pre.body.code));
            }
            checked = true;
          }
          if (buf.length < 4 + len) break;
          const packet = buf.subarray(4, 4 + len);
          buf = buf.subarray(4 + len);
          checked = false;
          const line = await handlePacket(db, log, packet, 'tcp', remote, limits);
          if (line === null) {
            sock.destroy();
            return;
          }
          sock.write(frame(line));
        }
      } catch (err) {
        log('error', `tcp from=${remote} failed: ${(err as Error).message}`);
        sock.destroy();
      } finally {
        busy = false;
      }
    };
    sock.on('data', (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      // One frame at a time: more than a whole frame's worth unanswered is not an agent.
      if (buf.length > 4 + TCP_MAX_FRAME + 4096) return void sock.destroy();
      void pump();
    });
  });
  server.maxConnections = b.connections;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export function startUdp(db: Db, log: Logger, port: number, host: string, limits?: IngestLimits): Promise<UdpSocket> {
  const sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  sock.on('message', (msg, rinfo) => {
    const remote = rinfo.address;
    if (msg.length > UDP_MAX_BYTES) {
      log('warn', `reject 413 udp datagram of ${msg.length} bytes from=${remote}`);
      sock.send(encodeErr(null, 'too large', 'too_large'), rinfo.port, rinfo.address);
      return;
    }
    handlePacket(db, log, msg, 'udp', remote, limits)
      .then((line) => {
        if (line === null) return;
        // Never a larger answer than the question: a forged source address must not make us an amplifier.
        const fitted = fitReply(line, msg.length);
        if (fitted === null) return void log('warn', `udp reply of ${Buffer.byteLength(line)} bytes to a ${msg.length}-byte datagram not sent from=${remote}`);
        sock.send(fitted, rinfo.port, rinfo.address);
      })
      .catch((err: Error) => log('error', `udp from=${remote} failed: ${err.message}`));
  });
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(port, host, () => {
      sock.off('error', reject);
      sock.on('error', (err) => log('error', `udp ${port}: ${err.message}`));
      resolve(sock);
    });
  });
}
