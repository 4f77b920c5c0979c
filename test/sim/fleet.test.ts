/** 254 devices in one process must be cheap to start and all answer. */
import { createSocket } from 'node:dgram';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeResponse, encodeGetRequest } from '../../src/snmp/ber.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { endpoint, recording } from './helpers.js';

describe('a /24 of simulated printers', () => {
  let sim: Simulator | undefined;
  afterAll(async () => { await sim?.stop(); });

  it('starts 254 devices quickly and every one answers a sweep', async () => {
    const { port } = endpoint();
    const net = `127.79.${1 + Math.floor(Math.random() * 250)}`;
    const varbinds = recording('pm_kyocera_p2040'); // the largest recording
    // Quickly in CPU time, which other work on the machine does not stretch as it does the clock.
    const cpu0 = process.cpuUsage();
    sim = await startSimulator({
      devices: Array.from({ length: 254 }, (_, i) => ({
        address: `${net}.${i + 1}`, port, varbinds,
        v3Users: [{ name: 'u', authProtocol: 'sha' as const, authKey: 'authpass1', privProtocol: 'aes' as const, privKey: 'privpass1' }],
      })),
    });
    const cpu = process.cpuUsage(cpu0);
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(5000);

    const client = createSocket('udp4');
    const answered = new Set<string>();
    const done = new Promise<void>((resolve) => {
      client.on('message', (buf, rinfo) => {
        const r = decodeResponse(buf);
        expect(r.requestId).toBe(Number(rinfo.address.split('.')[3]));
        expect(r.varbinds[0]!.type).toBe('OctetString');
        answered.add(rinfo.address);
        if (answered.size === 254) resolve();
      });
    });
    await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
    for (let i = 1; i <= 254; i++) {
      client.send(encodeGetRequest({ version: 1, community: 'public', requestId: i, oids: ['1.3.6.1.2.1.1.1.0'] }), port, `${net}.${i}`);
    }
    await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${answered.size} answered`)), 20_000))]);
    client.close();
    expect(answered.size).toBe(254);
    expect(sim.devices.reduce((n, d) => n + d.stats.answered, 0)).toBe(254);
  });
});
