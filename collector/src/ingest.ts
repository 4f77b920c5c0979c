import type { Db, Queryable } from './db/types.js';
import { deviceKey } from './device-key.js';
import type { Message, WireReading } from './protocol/message.js';

export interface IngestResult {
  duplicate: boolean;
  stored: number;
}

/**
 * Stores one verified message whole, in one transaction: the message id (the
 * dedup key), every reading with its counters, and each device's latest state
 * (identity, status, supplies, open alerts) when the reading is newer than what
 * is known. A message id seen before changes nothing.
 */
export async function ingest(db: Db, msg: Message, channel: string, receivedAt = new Date().toISOString()): Promise<IngestResult> {
  return db.tx(async (q) => {
    const inserted = await q.get(
      `INSERT INTO messages (message_id, agent_id, customer, type, created_at, received_at, channel, reading_count)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
      [msg.messageId, msg.agentId, msg.customer, msg.type, msg.createdAt, receivedAt, channel, msg.readings.length],
    );
    if (!inserted) return { duplicate: true, stored: 0 };
    for (const r of msg.readings) await storeReading(q, msg, r, receivedAt);
    return { duplicate: false, stored: msg.readings.length };
  });
}

async function deviceId(q: Queryable, customer: string, key: string, receivedAt: string): Promise<number> {
  const known = await q.get<{ id: number }>('SELECT id FROM devices WHERE customer = ? AND device_key = ?', [customer, key]);
  if (known) return Number(known.id);
  // ON CONFLICT DO NOTHING + select: two collectors seeing a new device at once on PostgreSQL both end with the same row.
  const row = await q.get<{ id: number }>(
    `INSERT INTO devices (customer, device_key, first_seen_at) VALUES (?, ?, ?) ON CONFLICT (customer, device_key) DO NOTHING RETURNING id`,
    [customer, key, receivedAt],
  ) ?? await q.get<{ id: number }>('SELECT id FROM devices WHERE customer = ? AND device_key = ?', [customer, key]);
  return Number(row!.id);
}

/** One INSERT for many rows: each statement is a round trip on PostgreSQL. */
async function insertRows(q: Queryable, head: string, width: number, rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const tuple = `(${Array(width).fill('?').join(', ')})`;
  await q.run(`${head} VALUES ${rows.map(() => tuple).join(', ')}`, rows.flat());
}

async function storeReading(q: Queryable, msg: Message, r: WireReading, receivedAt: string): Promise<void> {
  const key = deviceKey(r.identity);
  const dev = key === null ? null : await deviceId(q, msg.customer, key, receivedAt);
  const row = await q.get<{ id: number }>(
    `INSERT INTO readings (message_id, device_id, agent_id, customer, read_at, received_at, ok, reason, payload)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    [msg.messageId, dev, msg.agentId, msg.customer, r.readAt, receivedAt, r.ok ? 1 : 0, r.reason, JSON.stringify(r.raw)],
  );
  if (dev === null) return;
  const readingId = Number(row!.id);
  const id = r.identity;

  if (!r.ok) {
    await q.run(
      `UPDATE devices SET last_error = ?, last_error_at = ?, last_agent_id = ? WHERE id = ? AND (last_error_at IS NULL OR last_error_at <= ?)`,
      [r.error ?? 'not answering', r.readAt, msg.agentId, dev, r.readAt],
    );
    return;
  }
  await insertRows(q, 'INSERT INTO counters (reading_id, device_id, key, value, unit, read_at)', 6,
    Object.entries(r.counters).map(([name, c]) => [readingId, dev, name, c.value, c.unit, r.readAt]));
  // Latest state only moves forward: a spooled old reading arriving late must not overwrite a newer one.
  const updated = await q.run(
    `UPDATE devices SET serial = ?, vendor = ?, model = ?, mac = ?, ip = ?, hostname = ?, location = ?, firmware = ?,
       sys_object_id = ?, last_read_at = ?, last_received_at = ?, last_agent_id = ?, device_status = ?, printer_status = ?, errors = ?
     WHERE id = ? AND (last_read_at IS NULL OR last_read_at <= ?)`,
    [id.serial, id.vendor, id.model, id.mac, id.ip, id.hostname, id.location, id.firmware, id.sysObjectID,
      r.readAt, receivedAt, msg.agentId, r.status.device, r.status.printer, JSON.stringify(r.status.errors), dev, r.readAt],
  );
  if (updated.changes === 0) return;

  await q.run('DELETE FROM supplies WHERE device_id = ?', [dev]);
  const seen = new Set<string>();
  await insertRows(q, 'INSERT INTO supplies (device_id, idx, description, type, class, color, level_percent, state, read_at)', 9,
    r.supplies.filter((s) => !seen.has(s.index) && seen.add(s.index)).map((s) => [
      dev, s.index, s.description, s.type, s.class, s.color, s.levelPercent === null ? null : Math.round(s.levelPercent), s.state, r.readAt,
    ]));

  // Open alerts are those in the newest reading; an alert that stays keeps the time it was first seen.
  if (r.alerts.length === 0) {
    await q.run('DELETE FROM alerts WHERE device_id = ?', [dev]);
    return;
  }
  const before = new Map((await q.all<{ idx: string; first_seen_at: string }>('SELECT idx, first_seen_at FROM alerts WHERE device_id = ?', [dev]))
    .map((a) => [a.idx, a.first_seen_at]));
  await q.run('DELETE FROM alerts WHERE device_id = ?', [dev]);
  const rows = new Map<string, unknown[]>();
  for (const a of r.alerts) {
    const idx = `${a.severity ?? ''}|${a.code ?? ''}|${a.description ?? ''}`.slice(0, 600);
    if (!rows.has(idx)) rows.set(idx, [dev, idx, a.severity, a.code, a.codeName, a.description, before.get(idx) ?? r.readAt, r.readAt]);
  }
  await insertRows(q, 'INSERT INTO alerts (device_id, idx, severity, code, code_name, description, first_seen_at, read_at)', 8, [...rows.values()]);
}
