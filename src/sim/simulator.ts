/**
 * Serve simulated devices over real UDP in one process: one dgram socket per
 * address:port, all requests answered synchronously from sorted arrays, so a few
 * hundred devices cost a few hundred sockets and nothing else.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import type { Varbind } from '../snmp/types.js';
import { respond } from './agent.js';
import { SimDevice, type DeviceOptions, type DeviceStats } from './device.js';
import { oidKey } from './mib.js';

export interface SimulatorOptions {
  devices: DeviceOptions[];
}

export interface Simulator {
  readonly devices: readonly SimDevice[];
  /** The device at address (and port, when several share an address). */
  device(address: string, port?: number): SimDevice;
  /** Change or add a variable live (a toner level dropping, a counter advancing). */
  setValue(address: string, oid: string, value: Pick<Varbind, 'type' | 'value'>, port?: number): void;
  getValue(address: string, oid: string, port?: number): Varbind | undefined;
  stats(address: string, port?: number): DeviceStats;
  stop(): Promise<void>;
}

function assertLoopback(address: string): void {
  // The simulator exists for tests and demos; it must never answer on a real network.
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address) || address.split('.').some((p) => Number(p) > 255)) {
    throw new Error(`simulated devices must use a 127.0.0.0/8 address, not "${address}"`);
  }
}

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const devices = options.devices.map((o) => {
    assertLoopback(o.address);
    return new SimDevice(o);
  });
  const byEndpoint = new Map<string, SimDevice>();
  for (const d of devices) {
    const ep = `${d.address}:${d.port}`;
    if (byEndpoint.has(ep)) throw new Error(`two simulated devices on ${ep}`);
    byEndpoint.set(ep, d);
  }

  const sockets: Socket[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const onMessage = (dev: SimDevice, socket: Socket, raw: Buffer, rinfo: RemoteInfo) => {
    dev.stats.received++;
    if (dev.options.dropRate && Math.random() < dev.options.dropRate) { dev.stats.dropped++; return; }
    let reply: Buffer | null;
    try {
      reply = dev.options.garbage ? randomBytes(8 + Math.floor(Math.random() * 64)) : respond(dev, raw);
    } catch {
      reply = null; // a bug or an unencodable recorded value must not take the fleet down
    }
    if (!reply) { dev.stats.dropped++; return; }
    dev.stats.answered++;
    const send = () => { if (!stopped) socket.send(reply, rinfo.port, rinfo.address); };
    if (dev.options.delayMs) {
      const t = setTimeout(() => { timers.delete(t); send(); }, dev.options.delayMs);
      timers.add(t);
    } else send();
  };

  try {
    await Promise.all(devices.map((dev) => new Promise<void>((resolve, reject) => {
      const socket = createSocket({ type: 'udp4', reuseAddr: false });
      sockets.push(socket);
      socket.once('error', reject);
      socket.on('message', (raw, rinfo) => onMessage(dev, socket, raw, rinfo));
      socket.bind(dev.port, dev.address, () => {
        socket.off('error', reject);
        socket.on('error', () => { /* a send to a vanished client is not our problem */ });
        resolve();
      });
    })));
  } catch (error) {
    await closeAll(sockets);
    throw new Error(`simulator could not bind: ${(error as Error).message}`);
  }

  const find = (address: string, port?: number): SimDevice => {
    const d = port !== undefined ? byEndpoint.get(`${address}:${port}`) : devices.find((x) => x.address === address);
    if (!d) throw new Error(`no simulated device at ${address}${port !== undefined ? `:${port}` : ''}`);
    return d;
  };

  return {
    devices,
    device: find,
    setValue(address, oid, value, port) {
      find(address, port).mib.set({ oid: oid.replace(/^\./, ''), type: value.type, value: value.value });
    },
    getValue(address, oid, port) {
      return find(address, port).mib.get(oidKey(oid));
    },
    stats(address, port) {
      return find(address, port).stats;
    },
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await closeAll(sockets);
    },
  };
}

async function closeAll(sockets: Socket[]): Promise<void> {
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => {
    try { s.close(() => resolve()); } catch { resolve(); } // close throws when never bound or already closed
  })));
}
