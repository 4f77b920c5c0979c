/**
 * A small fleet whose counters the tests advance day by day, sent over real
 * HTTP. Billing period under test: March 2025 (2025-03-01 .. 2025-04-01 UTC).
 *
 *   A  HP A-100     daily at 06:00 Feb 20..Apr 10; total 10000 + 100/day   -> both edges real reads, 3100 pages
 *   B  Kyocera B-1  daily at 12:00 from Mar 15; total 5000 + 50/day        -> installed mid-period: counted from its first read (5000), end read (5800)
 *   C  MAC only     every 2 days at 00:00 Feb 1..Mar 19; 2000 + 30/day     -> start read (2840); last read 13 days before the end, too far to
 *                                                                             extrapolate (7 days at most): counted to its last read (3380)
 *   D  Brother D-9  daily at 08:00; reset on Mar 11 (90000.. -> 50..)      -> counter went backwards
 *   E  Canon E-5    reads Feb 25, Mar 5, Mar 28, Apr 3 only                -> both edges interpolated (1400 / 4400)
 *   F  another customer, to prove the customer filter
 */
import { message, post, reading, type Agent } from './client.js';

const DAY = 86_400_000;
const at = (iso: string, plusDays = 0) => new Date(Date.parse(iso) + plusDays * DAY);

export const PERIOD = { from: '2025-03-01T00:00:00.000Z', to: '2025-04-01T00:00:00.000Z' };

export const EXPECTED_TOTAL = {
  A: { start: 10900, end: 14000, pages: 3100, startSource: 'read', endSource: 'read' },
  B: { start: 5000, end: 5800, pages: 800, startSource: 'partial', endSource: 'read' },
  C: { start: 2840, end: 3380, pages: 540, startSource: 'read', endSource: 'partial' },
  E: { start: 1400, end: 4400, pages: 3000, startSource: 'interpolated', endSource: 'interpolated' },
} as const;

export async function sendFleet(url: string, acme: Agent, other: Agent): Promise<void> {
  const batches: { agent: Agent; readings: object[] }[] = [];
  const A: object[] = [];
  for (let d = 0; d <= 49; d++) { // Feb 20 .. Apr 10
    const t = at('2025-02-20T06:00:00Z', d);
    const last = d === 49;
    A.push(reading({
      serial: 'A-100', vendor: 'HP', model: 'LaserJet M607', mac: 'aa:bb:cc:00:00:0a', ip: `10.0.0.${d % 2 ? 10 : 11}`, readAt: t,
      counters: { total: 10000 + 100 * d, mono: 6000 + 60 * d, color: 4000 + 40 * d },
      supplies: [
        { description: 'Black Toner', color: 'black', levelPercent: last ? 4 : 50, state: last ? 'low' : 'ok' },
        { description: 'Cyan Toner', color: 'cyan', levelPercent: last ? 0 : 40, state: last ? 'empty' : 'ok' },
        { description: 'Magenta Toner', color: 'magenta', levelPercent: 60, state: 'ok' },
      ],
      alerts: last ? [{ severity: 'critical', code: 1101, codeName: 'coverOpen', description: 'Front cover open' }] : [],
      status: last ? 'warning' : 'running',
    }));
  }
  batches.push({ agent: acme, readings: A });
  const B: object[] = [];
  for (let d = 0; d <= 21; d++) B.push(reading({ serial: 'B-1', vendor: 'Kyocera', model: 'ECOSYS P3145dn', mac: 'aa:bb:cc:00:00:0b', readAt: at('2025-03-15T12:00:00Z', d), counters: { total: 5000 + 50 * d } }));
  batches.push({ agent: acme, readings: B });
  const C: object[] = [];
  for (let d = 0; d <= 46; d += 2) C.push(reading({ serial: null, vendor: null, model: 'Generic PCL', mac: 'aa:bb:cc:00:00:0c', readAt: at('2025-02-01T00:00:00Z', d), counters: { total: 2000 + 30 * d } }));
  batches.push({ agent: acme, readings: C });
  const D: object[] = [];
  for (let d = 0; d <= 60; d++) { // Feb 9 .. Apr 10; Mar 11 is day 30
    const total = d < 30 ? 90000 + 10 * d : 50 + 10 * (d - 30);
    D.push(reading({ serial: 'D-9', vendor: 'Brother', model: 'HL-L8360CDW', mac: 'aa:bb:cc:00:00:0d', readAt: at('2025-02-09T08:00:00Z', d), counters: { total } }));
  }
  batches.push({ agent: acme, readings: D });
  batches.push({
    agent: acme,
    readings: [['2025-02-25', 1000], ['2025-03-05', 1800], ['2025-03-28', 4000], ['2025-04-03', 4600]].map(([day, v]) =>
      reading({ serial: 'E-5', vendor: 'Canon', model: 'iR-ADV C5535', mac: 'aa:bb:cc:00:00:0e', readAt: `${day}T00:00:00.000Z`, counters: { total: v as number } })),
  });
  const F: object[] = [];
  for (let d = 0; d <= 40; d++) F.push(reading({ serial: 'F-1', vendor: 'HP', model: 'LaserJet M402', mac: 'aa:bb:cc:00:00:0f', readAt: at('2025-02-25T09:00:00Z', d), counters: { total: 300 + 7 * d } }));
  batches.push({ agent: other, readings: F });

  // In chunks, as a spooled agent would deliver them, out of order across messages.
  for (const b of batches.reverse()) {
    for (let i = b.readings.length; i > 0; i -= 20) {
      const r = await post(url, b.agent, message(b.agent, b.readings.slice(Math.max(0, i - 20), i)));
      if (r.status !== 200) throw new Error(`fleet upload refused: ${r.status} ${JSON.stringify(r.body)}`);
    }
  }
}

/** "Now" for the stale report: the morning after the fleet's last reads. */
export const FLEET_NOW = new Date('2025-04-11T00:00:00Z');
