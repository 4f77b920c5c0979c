/**
 * The auxiliary channels (docs/protocol.md): signed packets over TCP frames and
 * UDP datagrams, answered with a signed ACK or an ERR line, stored like HTTP.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../src/index.js';
import { sqliteBackend } from './helpers/backends.js';
import { message, reading, sign, type Agent } from './helpers/client.js';

const HOST = '127.3.7.4';

function packet(agent: Agent, msg: object, opts: { ts?: number; key?: string } = {}): Buffer {
  const body = gzipSync(Buffer.from(JSON.stringify(msg)));
  const ts = opts.ts ?? Math.floor(Date.now() / 1000);
  return Buffer.concat([Buffer.from(`AMR1 ${encodeURIComponent(agent.agentId)} ${ts} ${sign(opts.key ?? agent.key, ts, body)}\n`), body]);
}

/** The signature an ERR naming a message carries: HMAC(agent key, "err.<id>.<code>"). */
const errSig = (key: string, id: string, code: string) => `v1=${createHmac('sha256', key).update(`err.${id}.${code}`).digest('hex')}`;

const ackFor = (key: string, id: string, dup: 0 | 1) =>
  `AMR1 ACK ${id} ${dup} v1=${createHmac('sha256', key).update(`ack.${id}.${dup}`).digest('hex')}`;

/** Sends frames on one connection and reads one reply frame per packet. */
function tcp(port: number, packets: Buffer[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const s = new Socket();
    let buf = Buffer.alloc(0);
    const replies: string[] = [];
    s.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
        const len = buf.readUInt32BE(0);
        replies.push(buf.subarray(4, 4 + len).toString());
        buf = buf.subarray(4 + len);
      }
      if (replies.length === packets.length) { s.end(); resolve(replies); }
    });
    s.on('error', reject);
    s.on('end', () => resolve(replies));
    s.connect(port, HOST, () => {
      for (const p of packets) {
        const len = Buffer.alloc(4);
        len.writeUInt32BE(p.length);
        s.write(Buffer.concat([len, p]));
      }
    });
  });
}

function udp(port: number, p: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    const t = setTimeout(() => { s.close(); reject(new Error('no UDP reply in 2 s')); }, 2000);
    s.on('message', (m, rinfo) => {
      clearTimeout(t);
      s.close();
      // The reply comes from the port the packet went to.
      expect(rinfo.port).toBe(port);
      resolve(m.toString());
    });
    s.send(p, port, HOST);
  });
}

describe('auxiliary TCP and UDP channels', () => {
  const backend = sqliteBackend();
  let c: Collector;
  let agent: Agent;

  beforeAll(async () => {
    c = await startCollector({ db: await backend.url(), host: HOST, log: false, tcpPort: 0, udpPorts: [0, 0] });
    const e = await c.enroll('ACME-0001', 'aux:pc@site'); // percent-encoded in the packet header
    agent = { ...e, customer: 'ACME-0001' };
  });
  afterAll(async () => {
    await c?.stop();
    await backend.cleanup();
  });

  it('acknowledges over TCP with a signed ACK, once stored and then as duplicate', async () => {
    const msg = message(agent, [reading({ serial: 'AUX-T', readAt: new Date(), counters: { total: 42 } })], { type: 'alert' });
    const p = packet(agent, msg);
    const replies = await tcp(c.tcpPort!, [p, p]);
    expect(replies).toEqual([ackFor(agent.key, msg.messageId as string, 0), ackFor(agent.key, msg.messageId as string, 1)]);
    const row = await c.db.get('SELECT channel, type FROM messages WHERE message_id = ?', [msg.messageId]);
    expect(row).toEqual({ channel: 'tcp', type: 'alert' });
    expect(Number((await c.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM readings WHERE message_id = ?', [msg.messageId]))!.n)).toBe(1);
  });

  it('acknowledges over UDP on every port; a resent datagram is a duplicate', async () => {
    const msg = message(agent, [reading({ serial: 'AUX-U', readAt: new Date(), counters: { total: 7 } })], { type: 'heartbeat' });
    const p = packet(agent, msg);
    expect(p.length).toBeLessThanOrEqual(1200);
    expect(await udp(c.udpPorts[0]!, p)).toBe(ackFor(agent.key, msg.messageId as string, 0));
    expect(await udp(c.udpPorts[1]!, p)).toBe(ackFor(agent.key, msg.messageId as string, 1));
  });

  it('answers forgeries, replays and strangers with ERR and stores nothing', async () => {
    const before = Number((await c.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM messages'))!.n);
    const msg = message(agent, [reading({ readAt: new Date(), counters: { total: 1 } })]);
    expect(await udp(c.udpPorts[0]!, packet(agent, msg, { key: 'not-the-key' }))).toBe('AMR1 ERR - code=bad_signature bad signature');
    expect(await udp(c.udpPorts[0]!, packet(agent, msg, { ts: Math.floor(Date.now() / 1000) - 3600 }))).toBe('AMR1 ERR - code=clock_skew stale timestamp');
    const stranger = { agentId: 'nobody', key: randomBytes(16).toString('hex'), customer: 'ACME-0001' };
    expect(await tcp(c.tcpPort!, [packet(stranger, message(stranger, []))])).toEqual(['AMR1 ERR - code=unknown_agent unknown agent']);
    const bad = message(agent, [reading({ readAt: 'yesterday' })]);
    expect(await tcp(c.tcpPort!, [packet(agent, bad)])).toEqual([`AMR1 ERR ${bad.messageId} code=invalid ${errSig(agent.key, bad.messageId as string, 'invalid')} readings[0].readAt must be an ISO 8601 time`]);
    expect(await udp(c.udpPorts[0]!, Buffer.concat([Buffer.from('AMR1 x 1 v1=00\n'), randomBytes(1300)]))).toBe('AMR1 ERR - code=too_large too large');
    expect(Number((await c.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM messages'))!.n)).toBe(before);
  });

  it('gives every refusal the stable code of the HTTP JSON refusal; one naming a message is signed with the agent key', async () => {
    const typo = { ...agent, customer: 'ACME-0002' };
    const msg = message(typo, [reading({ readAt: new Date(), counters: { total: 3 } })], { type: 'alert' });
    const expected = `AMR1 ERR ${msg.messageId} code=wrong_customer ${errSig(agent.key, msg.messageId as string, 'wrong_customer')} customer "ACME-0002" differs from the agent's enrolment (ACME-0001)`;
    expect(await udp(c.udpPorts[0]!, packet(agent, msg))).toBe(expected);
    expect(await tcp(c.tcpPort!, [packet(agent, msg)])).toEqual([expected]);
    // Over HTTP the same refusal has the same code.
    const body = gzipSync(Buffer.from(JSON.stringify(msg)));
    const ts = Math.floor(Date.now() / 1000);
    const res = await fetch(`${c.url}/v1/messages`, {
      method: 'POST', body,
      headers: { 'content-encoding': 'gzip', 'content-type': 'application/json', 'x-amr-agent': agent.agentId, 'x-amr-timestamp': String(ts), 'x-amr-signature': sign(agent.key, ts, body) },
    });
    expect(((await res.json()) as { code: string }).code).toBe('wrong_customer');
  });

  it('cuts a UDP refusal\'s text, never its code or signature, to stay no larger than the datagram', async () => {
    const bad = message(agent, [reading({ readAt: 'yesterday' })]);
    const p = packet(agent, bad);
    const line = await udp(c.udpPorts[0]!, p);
    expect(line.startsWith(`AMR1 ERR ${bad.messageId} code=invalid ${errSig(agent.key, bad.messageId as string, 'invalid')} `)).toBe(true);
    expect(Buffer.byteLength(line)).toBeLessThanOrEqual(p.length);
  });

  it('closes a TCP connection whose frame is over 64 KiB', async () => {
    const replies = await new Promise<string[]>((resolve, reject) => {
      const s = new Socket();
      const out: string[] = [];
      s.on('data', (d: Buffer) => out.push(d.subarray(4).toString()));
      s.on('close', () => resolve(out));
      s.on('error', reject);
      s.connect(c.tcpPort!, HOST, () => {
        const len = Buffer.alloc(4);
        len.writeUInt32BE(70_000);
        s.write(len);
      });
    });
    expect(replies).toEqual(['AMR1 ERR - code=too_large too large']);
  });
});
