/**
 * amr run asks each device first with the credential it last answered to (the
 * inventory remembers it), then falls back to the configured order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { deviceReader, rememberedFrom } from '../../src/schedule/run.js';
import { credentialsFor, rememberedFirst } from '../../src/snmp/credentials.js';
import type { Inventory } from '../../src/discover/inventory.js';
import { loadRecording } from '../helpers/fixtures.js';

const HOST = '127.66.40.1';
const PORT = 16140;
let sim: Simulator;

beforeAll(async () => {
  // Answers only the second configured community: the first one meets silence.
  sim = await startSimulator({ devices: [{ address: HOST, port: PORT, name: 'pm_kyocera_p2040', communities: ['private'], varbinds: loadRecording('printers', 'pm_kyocera_p2040') }] });
});
afterAll(async () => { await sim.stop(); });

const config = parseConfig(`[snmp]\ncommunities = public, private\nport = ${PORT}\ntimeout = 300ms\nretries = 0\n[web]\nenabled = false\n`, null);
const inventory = (credential: unknown): Inventory => ({ version: 1, updated: null, devices: [{ ip: HOST, credential } as never] });

describe('the credential that answered is remembered', () => {
  it('orders the credentials with the remembered one first, the rest in configured order', () => {
    const labels = (ref?: Parameters<typeof rememberedFirst>[1]) => rememberedFirst(credentialsFor(config, HOST), ref).map((c) => c.label);
    expect(labels()).toEqual(['v2c community #1', 'v2c community #2', 'v1 community #1', 'v1 community #2']);
    expect(labels({ version: '2c', community: 1 })).toEqual(['v2c community #2', 'v2c community #1', 'v1 community #1', 'v1 community #2']);
    expect(labels({ version: '1', community: 0 })).toEqual(['v1 community #1', 'v2c community #1', 'v2c community #2', 'v1 community #2']);
    // A reference to a credential no longer configured changes nothing.
    expect(labels({ version: '3', user: 'gone' })).toEqual(labels());
  });

  it('a run asks with the remembered community first: the wrong one is never sent', async () => {
    const before = sim.stats(HOST, PORT).dropped;
    const reading = await deviceReader(config, undefined, rememberedFrom(inventory({ version: '2c', community: 1 })))(HOST);
    expect(reading.ok, reading.error).toBe(true);
    // The one unanswered datagram is the empty port probe (src/snmp/port-probe.ts), not a community.
    expect(sim.stats(HOST, PORT).dropped - before).toBe(1);
  });

  it('without a remembered credential the configured order is tried (the silent community costs a request)', async () => {
    const before = sim.stats(HOST, PORT).dropped;
    const reading = await deviceReader(config)(HOST);
    expect(reading.ok, reading.error).toBe(true);
    expect(sim.stats(HOST, PORT).dropped - before).toBeGreaterThanOrEqual(2);
  });
});
