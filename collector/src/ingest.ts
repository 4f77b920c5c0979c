import type { Db, Queryable } from './db/types.js';
import { deviceKey, fallbackKey, type IdentifiedBy } from './device-key.js';
import type { ReceivedMessage as Message, ReceivedReading as WireReading, RefusalCode } from '@amr/protocol';
import { recordSupplyLevels } from './forecast/store.js';
import { refreshShipState } from './forecast/ship-state.js';
import { evaluateIngest, wakeIfQueued } from './notify/evaluate.js';
import { recomputeBackwards, refreshBackwards } from './reports/backwards-state.js';
import { chunks, inList, insertSql } from './db/sql.js';

export interface IngestResult {
  duplicate: boolean;
  stored: number;
}

/** What one enrolled agent may create: a stolen or broken agent must not fill the database. */
export interface IngestLimits {
  /** New devices one message may create (the agent sends at most 200 readings a message). */
  newDevicesPerMessage: number;
  /** New devices one agent may create in 24 hours. */
  newDevicesPerDay: number;
}
export const DEFAULT_LIMITS: IngestLimits = { newDevicesPerMessage: 256, newDevicesPerDay: 2000 };

/** A message refused for a bound; the transaction is rolled back, nothing of it stored. */
export class LimitError extends Error {
  constructor(readonly status: 413 | 429, readonly code: RefusalCode, message: string) {
    super(message);
  }
}

const hostOf = (r: WireReading): string | null => (typeof r.raw.host === 'string' ? r.raw.host.slice(0, 256) : null);

/**
 * Stores one verified message whole, in one transaction: the message id (the
 * dedup key), every reading with its counters, and each device's latest state
 * (identity, status, supplies, open alerts) when the reading is newer than what
 * is known. A message id seen before changes nothing. Rows go in a few
 * multi-row statements per message: on PostgreSQL each statement is a round trip.
 */
export async function ingest(db: Db, msg: Message, channel: string, receivedAt = new Date().toISOString(), remote: string | null = null, limits: IngestLimits = DEFAULT_LIMITS): Promise<IngestResult> {
  return db.tx(async (q) => {
    // Heard from, even when repeating itself: inside the transaction, so it costs no commit of its own.
    await q.run('UPDATE agents SET last_heard_at = ?, agent_version = ?, last_address = ? WHERE agent_id = ?', [receivedAt, msg.agentVersion, remote, msg.agentId]);
    const st = msg.agentStatus;
    // The agent's spool and last run (agents page): only a newer message's status replaces the one stored.
    if (st) {
      await q.run(`UPDATE agents SET status_at = ?, spool_messages = ?, spool_bytes = ?, spool_oldest = ?, spool_quarantined = ?, last_run_at = ?, last_run_outcome = ?, last_run_exit = ?
        WHERE agent_id = ? AND (status_at IS NULL OR status_at <= ?)`,
      [msg.createdAt, st.spool.messages, st.spool.bytes, st.spool.oldest, st.spool.quarantined, st.lastRun?.finishedAt ?? null, st.lastRun?.outcome ?? null,
        st.lastRun?.exitCode ?? null, msg.agentId, msg.createdAt]);
    }
    const inserted = await q.get(
      `INSERT INTO messages (message_id, agent_id, customer, type, created_at, received_at, channel, reading_count)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (agent_id, message_id) DO NOTHING RETURNING message_id`,
      [msg.messageId, msg.agentId, msg.customer, msg.type, msg.createdAt, receivedAt, channel, msg.readings.length],
    );
    if (!inserted) return { duplicate: true, stored: 0 };
    const devices = await deviceIds(q, msg, receivedAt, limits);
    const readingIds = new Map<number, number>();
    const readingRows = msg.readings.map((r, i) => [
      msg.messageId, i, devices[i], msg.agentId, msg.customer, r.readAt, receivedAt, r.ok ? 1 : 0, r.reason, JSON.stringify(r.raw),
    ]);
    for (const chunk of chunks(readingRows, 500)) {
      const ids = await q.all<{ id: number; position: number }>(
        `${insertSql('INSERT INTO readings (message_id, position, device_id, agent_id, customer, read_at, received_at, ok, reason, payload)', 10, chunk.length)} RETURNING id, position`,
        chunk.flat(),
      );
      for (const row of ids) readingIds.set(Number(row.position), Number(row.id));
    }
    const counterRows = msg.readings.flatMap((r, i) => (r.ok
      ? Object.entries(r.counters).map(([name, c]) => [readingIds.get(i), devices[i], name, c.value, c.unit, r.readAt])
      : []));
    for (const chunk of chunks(counterRows, 1000)) {
      await q.run(insertSql('INSERT INTO counters (reading_id, device_id, key, value, unit, read_at)', 6, chunk.length), chunk.flat());
    }
    // Counters that went backwards: the pairs around this message's reads of each counter.
    const spans = new Map<string, { device: number; key: string; from: string; to: string }>();
    for (const [, device, key, , , readAt] of counterRows as [number, number, string, number, string, string][]) {
      const k = `${device}\u0000${key}`;
      const s = spans.get(k);
      if (!s) spans.set(k, { device, key, from: readAt, to: readAt });
      else { if (readAt < s.from) s.from = readAt; if (readAt > s.to) s.to = readAt; }
    }
    await refreshBackwards(q, [...spans.values()]);
    // Per device, only this message's newest reading can become the device's latest state.
    const newestOk = new Map<number, WireReading>();
    const newestErr = new Map<number, WireReading>();
    msg.readings.forEach((r, i) => {
      const dev = devices[i]!;
      const m = r.ok ? newestOk : newestErr;
      const cur = m.get(dev);
      if (!cur || cur.readAt <= r.readAt) m.set(dev, r);
    });
    for (const [dev, r] of newestErr) {
      await q.run(
        `UPDATE devices SET last_error = ?, last_error_at = ?, last_agent_id = ? WHERE id = ? AND (last_error_at IS NULL OR last_error_at <= ?)`,
        [r.error ?? 'not answering', r.readAt, msg.agentId, dev, r.readAt],
      );
    }
    await recordSupplyLevels(q, msg.readings, devices, Date.parse(receivedAt));
    await updateLatest(q, newestOk, msg.agentId, msg.customer, receivedAt);
    // The list to ship follows the new levels, states and forecasts (late readings too: every device of the message).
    await refreshShipState(q, { devices: [...new Set(devices.filter((d): d is number => d !== null))] });
    await evaluateIngest(q, msg, devices, receivedAt);
    return { duplicate: false, stored: msg.readings.length };
  }).finally(wakeIfQueued);
}

/**
 * Device row ids for the readings (creating new devices, within the agent's limits), following
 * merges; a serial-keyed reading whose agent + address + model matches a fallback device merges
 * that device into its own, history and all.
 */
async function deviceIds(q: Queryable, msg: Message, receivedAt: string, limits: IngestLimits): Promise<number[]> {
  const keyed = msg.readings.map((r) => deviceKey(r.identity, msg.agentId, hostOf(r)));
  const by = new Map<string, IdentifiedBy>(keyed.map((k) => [k.key, k.by]));
  const wanted = [...by.keys()];
  const ids = new Map<string, number>();
  for (const chunk of chunks(wanted, 500)) {
    const rows = await q.all<{ id: number; device_key: string; merged_into: number | null }>(
      `SELECT id, device_key, merged_into FROM devices WHERE customer = ? AND device_key IN (${chunk.map(() => '?').join(', ')})`, [msg.customer, ...chunk]);
    for (const r of rows) ids.set(r.device_key, Number(r.merged_into ?? r.id));
  }
  const fresh = wanted.filter((k) => !ids.has(k));
  if (fresh.length > limits.newDevicesPerMessage) {
    throw new LimitError(413, 'too_large', `message would create ${fresh.length} new devices; at most ${limits.newDevicesPerMessage} a message`);
  }
  if (fresh.length) {
    const since = new Date(Date.parse(receivedAt) - 86_400_000).toISOString();
    const made = Number((await q.get<{ n: number }>('SELECT COUNT(*) AS n FROM devices WHERE created_by = ? AND first_seen_at >= ?', [msg.agentId, since]))!.n);
    if (made + fresh.length > limits.newDevicesPerDay) {
      throw new LimitError(429, 'rate_limited', `agent created ${made} devices in 24 hours; at most ${limits.newDevicesPerDay} a day, retry later`);
    }
  }
  for (const key of fresh) {
    // ON CONFLICT DO NOTHING + select: two collectors seeing a new device at once on PostgreSQL both end with the same row.
    const row = await q.get<{ id: number }>(
      `INSERT INTO devices (customer, device_key, first_seen_at, identified_by, created_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT (customer, device_key) DO NOTHING RETURNING id`,
      [msg.customer, key, receivedAt, by.get(key), msg.agentId],
    ) ?? await q.get<{ id: number }>('SELECT COALESCE(merged_into, id) AS id FROM devices WHERE customer = ? AND device_key = ?', [msg.customer, key]);
    ids.set(key, Number(row!.id));
  }
  await mergeFallbacks(q, msg, keyed.map((k) => ids.get(k.key)!));
  const out = keyed.map((k) => ids.get(k.key)!);
  // The earliest read of each device (by the reading's own time): a device exists for billing from then.
  const first = new Map<number, string>();
  msg.readings.forEach((r, i) => {
    const cur = first.get(out[i]!);
    if (!cur || r.readAt < cur) first.set(out[i]!, r.readAt);
  });
  // One statement for all devices (sorted: the same lock order as updateLatest).
  for (const c of chunks([...first.entries()].sort((a, b) => a[0] - b[0]), 200)) {
    await q.run(`UPDATE devices SET first_read_at = v.column2 FROM (VALUES ${c.map(() => '(CAST(? AS BIGINT), ?)').join(', ')}) AS v
      WHERE devices.id = v.column1 AND (devices.first_read_at IS NULL OR devices.first_read_at > v.column2)`, c.flat());
  }
  return out;
}

/** Fallback devices (same agent, address and model) of readings that now carry a serial or MAC, merged into that device. */
async function mergeFallbacks(q: Queryable, msg: Message, ids: number[]): Promise<void> {
  const targets = new Map<string, number>();
  msg.readings.forEach((r, i) => {
    if (r.identity.serial || r.identity.mac) targets.set(fallbackKey(r.identity, msg.agentId, hostOf(r)), ids[i]!);
  });
  if (targets.size === 0) return;
  for (const chunk of chunks([...targets.keys()], 500)) {
    const rows = await q.all<{ id: number; device_key: string; first_read_at: string | null }>(
      `SELECT id, device_key, first_read_at FROM devices WHERE customer = ? AND merged_into IS NULL AND device_key IN (${chunk.map(() => '?').join(', ')})`,
      [msg.customer, ...chunk]);
    for (const fb of rows) {
      const into = targets.get(fb.device_key)!;
      const from = Number(fb.id);
      if (from === into) continue;
      await q.run('UPDATE readings SET device_id = ? WHERE device_id = ?', [into, from]);
      await q.run('UPDATE counters SET device_id = ? WHERE device_id = ?', [into, from]);
      await q.run('DELETE FROM counter_backwards WHERE device_id = ?', [from]);
      await recomputeBackwards(q, [into]);
      await q.run('DELETE FROM supplies WHERE device_id = ?', [from]);
      await q.run('DELETE FROM supply_ship WHERE device_id = ?', [from]);
      await q.run('DELETE FROM alerts WHERE device_id = ?', [from]);
      await q.run('UPDATE devices SET merged_into = ? WHERE id = ? OR merged_into = ?', [into, from, from]);
      if (fb.first_read_at) await q.run('UPDATE devices SET first_read_at = ? WHERE id = ? AND (first_read_at IS NULL OR first_read_at > ?)', [fb.first_read_at, into, fb.first_read_at]);
    }
  }
}

/**
 * Moves each device's latest state forward to its newest reading in this message, in one
 * UPDATE .. FROM (VALUES ..) for all devices (SQLite 3.33+ and PostgreSQL both name VALUES
 * columns column1, column2 ..), then replaces supplies and open alerts of the devices it moved.
 */
async function updateLatest(q: Queryable, newest: Map<number, WireReading>, agentId: string, customer: string, receivedAt: string): Promise<void> {
  // In device id order, so two transactions touching the same devices lock them in the same order (no deadlock).
  const entries = [...newest.entries()].sort((a, b) => a[0] - b[0]);
  const moved = new Set<number>();
  for (const chunk of chunks(entries, 200)) {
    const tuple = `(CAST(? AS BIGINT), ${Array(15).fill('?').join(', ')})`;
    const rows = await q.all<{ id: number }>(
      `UPDATE devices SET serial = v.column2, vendor = v.column3, model = v.column4, mac = v.column5, ip = v.column6, hostname = v.column7,
         location = v.column8, firmware = v.column9, sys_object_id = v.column10, last_read_at = v.column11, last_received_at = v.column12,
         last_agent_id = v.column13, device_status = v.column14, printer_status = v.column15, errors = v.column16
       FROM (VALUES ${chunk.map(() => tuple).join(', ')}) AS v
       WHERE devices.id = v.column1 AND (devices.last_read_at IS NULL OR devices.last_read_at <= v.column11)
       RETURNING id`,
      chunk.flatMap(([dev, r]) => {
        const id = r.identity;
        return [dev, id.serial, id.vendor, id.model, id.mac, id.ip, id.hostname, id.location, id.firmware, id.sysObjectID,
          r.readAt, receivedAt, agentId, r.status.device, r.status.printer, JSON.stringify(r.status.errors)];
      }),
    );
    for (const row of rows) moved.add(Number(row.id));
  }
  if (moved.size === 0) return;
  const devs = [...moved];

  for (const chunk of chunks(devs, 500)) await q.run(`DELETE FROM supplies WHERE device_id IN (${inList(chunk.length)})`, chunk);
  const supplyRows = devs.flatMap((dev) => {
    const r = newest.get(dev)!;
    const seen = new Set<string>();
    return r.supplies.filter((s) => !seen.has(s.index) && seen.add(s.index))
      .map((s) => [dev, s.index, s.description, s.type, s.class, s.color, s.levelPercent === null ? null : Math.round(s.levelPercent), s.state, r.readAt, customer]);
  });
  for (const chunk of chunks(supplyRows, 500)) {
    await q.run(insertSql('INSERT INTO supplies (device_id, idx, description, type, class, color, level_percent, state, read_at, customer)', 10, chunk.length), chunk.flat());
  }

  // Open alerts are those in the newest reading; an alert that stays keeps the time it was first seen.
  const withAlerts = devs.filter((d) => newest.get(d)!.alerts.length > 0);
  const firstSeen = new Map<string, string>();
  for (const chunk of chunks(withAlerts, 500)) {
    const rows = await q.all<{ device_id: number; idx: string; first_seen_at: string }>(
      `SELECT device_id, idx, first_seen_at FROM alerts WHERE device_id IN (${inList(chunk.length)})`, chunk);
    for (const a of rows) firstSeen.set(`${a.device_id}\u0000${a.idx}`, a.first_seen_at);
  }
  for (const chunk of chunks(devs, 500)) await q.run(`DELETE FROM alerts WHERE device_id IN (${inList(chunk.length)})`, chunk);
  const alertRows = withAlerts.flatMap((dev) => {
    const r = newest.get(dev)!;
    const rows = new Map<string, unknown[]>();
    for (const a of r.alerts) {
      const idx = `${a.severity ?? ''}|${a.code ?? ''}|${a.description ?? ''}`.slice(0, 600);
      if (!rows.has(idx)) rows.set(idx, [dev, idx, a.severity, a.code, a.codeName, a.description, firstSeen.get(`${dev}\u0000${idx}`) ?? r.readAt, r.readAt]);
    }
    return [...rows.values()];
  });
  for (const chunk of chunks(alertRows, 500)) {
    await q.run(insertSql('INSERT INTO alerts (device_id, idx, severity, code, code_name, description, first_seen_at, read_at)', 8, chunk.length), chunk.flat());
  }
}
