/**
 * The read pipeline's named steps: plan and decode are pure and give, over a recording,
 * exactly what plan + ask + decode give over real UDP against the simulator serving it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askDevice } from '../../src/pipeline/ask.js';
import { flagIncompleteRead, flagNoStableIdentity } from '../../src/pipeline/check.js';
import { decodeAnswer } from '../../src/pipeline/decode.js';
import { EMPTY_PLAN, STANDARD_PLAN, followUpPlan } from '../../src/pipeline/plan.js';
import { readDevice } from '../../src/pipeline/read-device.js';
import { profileExtension } from '../../src/profiles/extension.js';
import { emptyReading, type Reading } from '../../src/reading/types.js';
import type { Credential } from '../../src/snmp/credentials.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { loadRecording } from '../helpers/fixtures.js';
import { builtins } from '../profiles/helpers.js';

const PORT = 16171;
const ADDR = '127.0.71.1';
const v2c: Credential = { version: '2c', community: 'public', label: 'v2c community #1' };
const session = { port: PORT, timeoutMs: 1000, retries: 1, maxRepetitions: 25 };
const kyocera = loadRecording('printers', 'pm_kyocera_p2040');
const stable = ({ readAt: _t, ...rest }: Reading) => rest;

let sim: Simulator;
beforeAll(async () => { sim = await startSimulator({ devices: [{ address: ADDR, port: PORT, varbinds: kyocera }] }); });
afterAll(async () => { await sim?.stop(); });

describe('read pipeline steps', () => {
  it('plan: the standard plan is fixed; the follow-up is the matched profile\'s, chosen from the first answers', () => {
    expect(STANDARD_PLAN.get).toContain('1.3.6.1.2.1.1.2.0');
    expect(followUpPlan(undefined, kyocera)).toBe(EMPTY_PLAN);
    const extension = profileExtension(builtins());
    const plan = followUpPlan(extension, kyocera.filter((vb) => STANDARD_PLAN.get.includes(vb.oid)));
    // Kyocera's own subtree (enterprise 1347) is asked only because the device said it is a Kyocera.
    expect([...plan.get, ...plan.walk.flat()].some((oid) => oid.startsWith('1.3.6.1.4.1.1347.'))).toBe(true);
  });

  it('ask + decode over UDP equal decode of the recording (decode is the pure step)', async () => {
    const extension = profileExtension(builtins());
    const live = await readDevice(ADDR, { ...session, credentials: [v2c], extension });
    expect(live.reading.ok).toBe(true);
    expect(live.credential).toBe('v2c community #1');
    const offline = decodeAnswer(ADDR, ADDR, kyocera, extension);
    expect(stable(live.reading)).toEqual(stable(offline));
    expect(live.reading.identity.serial).toBe('VD21457943');
  });

  it('ask: returns the answers under the credential that worked, or why there are none', async () => {
    const wrong: Credential = { version: '2c', community: 'nope', label: 'v2c community #2' };
    const ok = await askDevice(ADDR, STANDARD_PLAN, () => EMPTY_PLAN, { ...session, timeoutMs: 300, retries: 0, credentials: [wrong, v2c] });
    expect('answer' in ok && ok.answer.credential).toBe('v2c community #1');
    expect('answer' in ok && ok.answer.varbinds.length).toBeGreaterThan(10);
    const none = await askDevice(ADDR, STANDARD_PLAN, () => EMPTY_PLAN, { ...session, credentials: [] });
    expect(none).toEqual({ error: 'no SNMP credentials configured ([snmp] communities or [snmpv3.NAME])', requests: 0 });
  });

  it('check: a partial read and a device without serial or MAC say so', () => {
    const r = emptyReading('127.0.71.9');
    flagIncompleteRead(r, ['timeout', 'timeout'], ['1.3.6.1.2.1.43.11.1.1.6']);
    flagNoStableIdentity(r);
    flagNoStableIdentity(r);
    expect(r.flags.map((f) => f.code)).toEqual(['partialRead', 'tooManyRows', 'noSerialOrMac']);
    expect(r.flags[0]!.message).toBe('some tables could not be read: timeout');
  });
});
