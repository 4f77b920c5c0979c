import { test, expect } from 'vitest';
import { startSimulator } from '../../src/sim/simulator.js';
import { sweep } from '../../src/discover/sweep.js';
import { buildTargets } from '../../src/discover/targets.js';
import { block, recording, recordingNames } from './helpers.js';
test('scratch sweep', async () => {
  const { prefix, port } = block();
  const names = [...recordingNames('printers').map(n=>['printers',n]), ...recordingNames('others').map(n=>['others',n])];
  const sim = await startSimulator({ devices: names.map(([f,n], i) => ({ address: `${prefix}.${i+1}`, port, name: n, varbinds: recording(f!, n!) })) });
  try {
    const targets = await buildTargets([`${prefix}.0/24`]);
    const r = await sweep({ targets, port, credentials: [{kind:'community', version:1, community:'public', index:0}], rate: 0, timeoutMs: 500, retries: 0 });
    for (const d of r.devices) console.log(d.ip, d.classification.printer, d.classification.vendor, d.classification.model, d.facts.serial, d.facts.mac, d.identified);
    console.log(r.stats);
    expect(r.devices.length).toBe(names.length);
  } finally { await sim.stop(); }
});
