/** A realistic colour MFP Reading for tests, built from emptyReading(). */
import { emptyReading, type Reading } from '../../../src/reading/types.js';

export function sampleReading(n = 1): Reading {
  const r = emptyReading(`127.0.0.${n}`);
  r.identity = {
    ip: `192.168.10.${n}`, mac: `00:1b:a9:00:00:${n.toString(16).padStart(2, '0')}`, serial: `E7${String(n).padStart(8, '0')}`,
    vendor: 'Brother', model: 'MFC-L8900CDW', firmware: 'ZC2203261', hostname: `brn${n}.office.acme.local`,
    location: 'Floor 2, accounting', sysObjectID: '1.3.6.1.4.1.2435.2.3.9.1', sysDescr: 'Brother NC-8300w', uptimeSeconds: 86400,
  };
  r.status = { device: 'running', printer: 'idle', errors: ['lowToner'], display: ['Toner Low'] };
  r.counters = {
    total: { value: 48213 + n, unit: 'impressions' }, mono: { value: 30001, unit: 'impressions' }, color: { value: 18212 + n, unit: 'impressions' },
    copy: { value: 1200, unit: 'impressions' }, print: { value: 47013, unit: 'impressions' }, scan: { value: 3300, unit: 'scans' },
  };
  r.supplies = ['black', 'cyan', 'magenta', 'yellow'].map((color, i) => ({
    hrDeviceIndex: 1, index: i + 1, description: `${color[0]!.toUpperCase()}${color.slice(1)} Toner`, type: 'toner', class: 'consumed' as const,
    color, unit: 'percent', max: 100, level: 10 + i * 20, levelPercent: 10 + i * 20, state: i === 0 ? 'low' as const : 'ok' as const,
  }));
  r.alerts = [{ index: 1, severity: 'warning', trainingLevel: 'untrained', group: 'markerSupplies', groupIndex: 1, location: null, code: 1104, codeName: 'markerTonerAlmostEmpty', description: 'Toner Low (Black)', timeSeconds: null }];
  r.flags = [{ code: 'counter-suspicious', message: `copy counter at 192.168.10.${n} looks low`, path: 'counters.copy' }];
  r.profile = 'brother';
  r.sources = { 'counters.total': '1.3.6.1.2.1.43.10.2.1.4.1.1' };
  return r;
}
