/**
 * Issue 13 item 11: unauthenticated load is bounded. A stranger's HTTP body and TCP frame are
 * refused before they are held; a trickling TCP connection meets an absolute deadline; one
 * address cannot hold many connections; a small UDP datagram never gets a larger answer.
 */
import { createSocket } from 'node:dgram';
import { request } from 'node:http';
import { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../src/index.js';
import { sqliteBackend } from './helpers/backends.js';

const HOST = '127.3.7.50';

describe('bounded unauthenticated load', () => {
  const backend = sqliteBackend();
  let c: Collector;
  beforeAll(async () => {
    c = await startCollector({ db: await backend.url(), host: HOST, log: false, tcpPort: 0, udpPorts: [0], tcpBounds: { deadlineMs: 1500, perAddress: 4 } });
    await c.enroll('ACME-0001', 'known-pc');
  });
  afterAll(async () => {
    await c?.stop();
    await backend.cleanup();
  });

  it('answers a stranger\'s HTTP POST before its body has been sent', async () => {
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${c.url}/v1/messages`, { method: 'POST', headers: { 'content-length': '200000', 'x-amr-agent': 'stranger', 'x-amr-timestamp': String(Math.floor(Date.now() / 1000)), 'x-amr-signature': 'v1=00' } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => { req.destroy(); resolve({ status: res.statusCode ?? 0, body }); });
      });
      req.on('error', reject);
      req.write(Buffer.alloc(1000, 0x61)); // 1 KB of 200 KB; the rest never comes
      setTimeout(() => reject(new Error('no answer while the body was incomplete')), 3000).unref();
    });
    expect(reply.status).toBe(401);
    expect(JSON.parse(reply.body)).toEqual({ ok: false, code: 'unknown_agent', error: 'unknown agent' });
  });

  it('refuses a stranger\'s TCP frame from its header line, before the frame is complete', async () => {
    const got = await new Promise<string>((resolve, reject) => {
      const s = new Socket();
      s.on('data', (d: Buffer) => { s.destroy(); resolve(d.subarray(4).toString()); });
      s.on('error', reject);
      s.connect(c.tcpPort!, HOST, () => {
        const len = Buffer.alloc(4);
        len.writeUInt32BE(60_000);
        s.write(Buffer.concat([len, Buffer.from(`AMR1 stranger ${Math.floor(Date.now() / 1000)} v1=00\n`), Buffer.alloc(100)]));
      });
      setTimeout(() => reject(new Error('no answer before the frame was complete')), 3000).unref();
    });
    expect(got).toBe('AMR1 ERR - code=unknown_agent unknown agent');
  });

  it('closes a trickling TCP connection at its deadline, and caps connections per address', async () => {
    const started = Date.now();
    const closedAfter = await new Promise<number>((resolve) => {
      const s = new Socket();
      let t: NodeJS.Timeout;
      s.on('close', () => { clearInterval(t); resolve(Date.now() - started); });
      s.on('error', () => undefined);
      s.connect(c.tcpPort!, HOST, () => {
        // An enrolled agent's header line (it passes the early check), then a byte every 200 ms: the idle timer never fires.
        const len = Buffer.alloc(4);
        len.writeUInt32BE(60_000);
        s.write(Buffer.concat([len, Buffer.from(`AMR1 known-pc ${Math.floor(Date.now() / 1000)} v1=00\n`)]));
        t = setInterval(() => s.write(Buffer.from([0])), 200);
      });
    });
    expect(closedAfter).toBeGreaterThanOrEqual(1400);
    expect(closedAfter).toBeLessThan(4000);

    const socks: Socket[] = [];
    const closed: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      const s = new Socket();
      closed.push(false);
      s.on('close', () => (closed[i] = true));
      s.on('error', () => undefined);
      await new Promise<void>((r) => s.connect(c.tcpPort!, HOST, () => r()));
      socks.push(s);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(closed).toEqual([false, false, false, false, true, true]);
    for (const s of socks) s.destroy();
  });

  it('never answers a small UDP datagram with a larger one', async () => {
    const probe = (p: Buffer) => new Promise<Buffer | null>((resolve) => {
      const s = createSocket('udp4');
      const t = setTimeout(() => { s.close(); resolve(null); }, 700);
      s.on('message', (m) => { clearTimeout(t); s.close(); resolve(m); });
      s.send(p, c.udpPorts[0]!, HOST);
    });
    const tiny = Buffer.from('AMR1 x 1 v1=0\n');
    expect(await probe(tiny)).toBeNull();
    const padded = Buffer.concat([Buffer.from(`AMR1 stranger ${Math.floor(Date.now() / 1000)} v1=00\n`), Buffer.alloc(40)]);
    const r = await probe(padded);
    expect(r?.toString()).toBe('AMR1 ERR - code=unknown_agent unknown agent');
    expect(r!.length).toBeLessThanOrEqual(padded.length);
  });
});
