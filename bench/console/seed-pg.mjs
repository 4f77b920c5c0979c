// Seeds a dealer's PostgreSQL database with set-based SQL (generate_series), as the collector's
// own schema (migrations applied by openDb). See bench/console/run.mjs for the figures.
export const SHAPE = {
  devices: 100_000, agents: 5_000, customers: 1_000,
};

/** ISO-8601 UTC text, as the collector stores times. */
const iso = (x) => `to_char((${x}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export function seedStatements({ devices, agents, customers, rawDays, dailyDays, months, now, yearDevices = 0 }) {
  const perAgent = devices / agents;
  // The first yearDevices printers (whole agents) get a full year of raw history and daily rollups; the rest rawDays / dailyDays.
  const yearAgents = Math.ceil(yearDevices / perAgent);
  const rawOf = (a) => `CASE WHEN (${a}) <= ${yearAgents} THEN 365 ELSE ${rawDays} END`;
  const dailyOf = (d) => `CASE WHEN (${d}) <= ${yearAgents * perAgent} THEN 365 ELSE ${dailyDays} END`;
  const N = `'${now}'::timestamptz`;
  const cust = (a) => `'C-' || lpad((((${a}) - 1) / ${agents / customers} + 1)::text, 4, '0')`;
  const agentId = (a) => `'agent-' || lpad((${a})::text, 5, '0')`;
  // Per device: pages per day 20..319, colour every third device, supply fall %/day 0.5..2.75.
  const ppd = (d) => `(20 + (${d}) % 300)`;
  const payload = `format('{"host":"10.%s.%s.1","readAt":"%s","ok":true,"error":null,"reason":"pages","identity":{"serial":"SN%s","ip":"10.%s.%s.1","mac":"00:11:22:%s","vendor":"HP","model":"Color LaserJet Pro M479fdw","firmware":"2409081_000572","hostname":"NPI%s","location":"Floor 2, copy room","sysObjectID":"1.3.6.1.4.1.11.2.3.9.1"},"status":{"device":"running","printer":"idle","errors":[]},"counters":{"total":{"value":%s,"unit":"impressions"},"mono":{"value":%s,"unit":"impressions"},"color":{"value":%s,"unit":"impressions"},"print":{"value":%s,"unit":"impressions"},"copy":{"value":0,"unit":"impressions"}},"extraCounters":{},"supplies":[{"index":"1","description":"Black Cartridge HP W2030A","type":"toner","class":"consumed","color":"black","levelPercent":%s,"state":"ok"},{"index":"2","description":"Cyan Cartridge HP W2031A","type":"toner","class":"consumed","color":"cyan","levelPercent":61,"state":"ok"},{"index":"3","description":"Magenta Cartridge HP W2033A","type":"toner","class":"consumed","color":"magenta","levelPercent":48,"state":"ok"},{"index":"4","description":"Yellow Cartridge HP W2032A","type":"toner","class":"consumed","color":"yellow","levelPercent":70,"state":"ok"}],"alerts":[],"flags":[],"profile":"hp"}',
      (d % 250), (d / 250) % 250, ${iso('t')}, lpad(d::text, 7, '0'), (d % 250), (d / 250) % 250, d, d, v, v * 6 / 10, v * 4 / 10, v, (d * 7) % 101)`;
  const value = (d, t) => `(10000 * ((${d}) % 50) + ${ppd(d)} * (extract(epoch FROM (${t})) / 86400)::bigint)`;
  return [
    ['customers', `INSERT INTO customers (code, created_at) SELECT 'C-' || lpad(c::text, 4, '0'), ${iso(`${N} - interval '400 days'`)} FROM generate_series(1, ${customers}) c`],
    ['agents', `INSERT INTO agents (agent_id, customer, agent_key, created_at, revoked, last_heard_at, agent_version)
      SELECT ${agentId('a')}, ${cust('a')}, md5(a::text), ${iso(`${N} - interval '400 days'`)}, 0, ${iso(`${N} - (a % 7) * interval '1 hour'`)}, '0.1.0' FROM generate_series(1, ${agents}) a`],
    ['devices', `INSERT INTO devices (id, customer, device_key, serial, vendor, model, mac, ip, hostname, location, firmware, sys_object_id, first_seen_at, first_read_at, last_read_at, last_received_at, last_agent_id, device_status, printer_status, errors)
      SELECT d, ${cust(`(d - 1) / ${perAgent} + 1`)}, 'sn:hp:SN' || lpad(d::text, 7, '0'), 'SN' || lpad(d::text, 7, '0'),
        (ARRAY['HP','Kyocera','Ricoh','Canon','Brother'])[d % 5 + 1], (ARRAY['Color LaserJet Pro M479fdw','ECOSYS P3145dn','IM C3000','imageRUNNER ADVANCE C5535','HL-L8360CDW'])[d % 5 + 1],
        '00:11:22:' || lpad(to_hex(d), 6, '0'), '10.' || (d % 250) || '.' || ((d / 250) % 250) || '.1', 'npi' || d, 'Floor ' || (d % 9), '2409081', '1.3.6.1.4.1.11.2.3.9.1',
        ${iso(`${N} - interval '400 days'`)}, ${iso(`${N} - interval '400 days'`)}, ${iso(`${N} - ((d * 37) % 480) * interval '1 minute'`)}, ${iso(`${N} - ((d * 37) % 480) * interval '1 minute'`)},
        ${agentId(`(d - 1) / ${perAgent} + 1`)}, CASE WHEN d % 97 = 0 THEN 'warning' ELSE 'running' END, 'idle', CASE WHEN d % 997 = 0 THEN '["jammed"]' ELSE '[]' END
      FROM generate_series(1, ${devices}) d`],
    ['devices id', `SELECT setval(pg_get_serial_sequence('devices', 'id'), ${devices})`],
    // Latest supplies: colour devices 4 toners + waste box, mono devices toner + drum.
    ['supplies', `INSERT INTO supplies (device_id, customer, idx, description, type, class, color, level_percent, state, read_at)
      SELECT d, ${cust(`(d - 1) / ${perAgent} + 1`)}, s::text, CASE WHEN d % 3 = 0 THEN (ARRAY['Black Cartridge','Cyan Cartridge','Magenta Cartridge','Yellow Cartridge','Waste Toner Box'])[s] ELSE (ARRAY['Black Cartridge','Imaging Drum'])[s] END,
        CASE WHEN (d % 3 = 0 AND s = 5) THEN 'wasteToner' WHEN (d % 3 <> 0 AND s = 2) THEN 'opc' ELSE 'toner' END,
        CASE WHEN (d % 3 = 0 AND s = 5) THEN 'receptacle' ELSE 'consumed' END,
        CASE WHEN d % 3 = 0 THEN (ARRAY['black','cyan','magenta','yellow',NULL])[s] ELSE (ARRAY['black',NULL])[s] END,
        (d * 7 + s * 13) % 101, CASE WHEN (d * 7 + s * 13) % 101 = 0 THEN 'empty' WHEN (d * 7 + s * 13) % 101 < 5 THEN 'low' ELSE 'ok' END,
        ${iso(`${N} - ((d * 37) % 480) * interval '1 minute'`)}
      FROM generate_series(1, ${devices}) d, generate_series(1, 5) s WHERE s <= CASE WHEN d % 3 = 0 THEN 5 ELSE 2 END`],
    ['supply_forecasts', `INSERT INTO supply_forecasts (device_id, idx, computed_at, level_percent, days_left, empty_at, percent_per_day, method, points, since)
      SELECT device_id, idx, read_at, level_percent, round((level_percent / (0.5 + (device_id % 10) / 4.0))::numeric, 1), 
        ${iso(`${N} + (level_percent / (0.5 + (device_id % 10) / 4.0)) * interval '1 day'`)}, 0.5 + (device_id % 10) / 4.0, 'trend', 40, NULL
      FROM supplies WHERE class = 'consumed'`],
    ['customer_supply_settings', `INSERT INTO customer_supply_settings SELECT code, 20, 21 FROM customers WHERE right(code, 1) = '7'`],
    ['supply_shipments', `INSERT INTO supply_shipments SELECT device_id, idx, read_at, 'bench' FROM supplies WHERE level_percent < 15 AND device_id % 4 = 0`],
    // The list to ship as ingest keeps it (ship-state.ts; the same statement as migration 7).
    ['supply_ship', `INSERT INTO supply_ship (device_id, idx, customer, due_at, sort_at, sort_level)
      SELECT s.device_id, s.idx, d.customer,
        CASE WHEN s.level_percent <= COALESCE(t.ship_below_percent, 15) OR s.state IN ('low', 'empty') THEN '1970-01-01T00:00:00.000Z' ELSE ${iso(`f.empty_at::timestamptz - COALESCE(t.ship_days, 14) * interval '1 day'`)} END,
        COALESCE(f.empty_at, '~'), COALESCE(s.level_percent, -1)
      FROM supplies s JOIN devices d ON d.id = s.device_id
        LEFT JOIN supply_forecasts f ON f.device_id = s.device_id AND f.idx = s.idx
        LEFT JOIN supply_shipments sh ON sh.device_id = s.device_id AND sh.idx = s.idx
        LEFT JOIN customer_supply_settings t ON t.customer = d.customer
      WHERE sh.device_id IS NULL AND COALESCE(s.class, '') <> 'receptacle'
        AND (s.level_percent <= COALESCE(t.ship_below_percent, 15) OR s.state IN ('low', 'empty') OR f.empty_at IS NOT NULL)`],
    // Raw window: each agent runs 3..10 times a day (3 + agent % 8), one message per run with its 20 devices.
    ['runs', `CREATE TEMP TABLE runs AS SELECT a, k, ${N} - ${rawOf('a')} * interval '1 day' + k * (interval '1 day' / (3 + a % 8)) + (a % 60) * interval '1 minute' AS t
      FROM generate_series(1, ${agents}) a, LATERAL generate_series(0, ${rawOf('a')} * (3 + a % 8) - 1) k`],
    ['messages', `INSERT INTO messages (message_id, agent_id, customer, type, created_at, received_at, channel, reading_count)
      SELECT 'm-' || a || '-' || k, ${agentId('a')}, ${cust('a')}, 'readings', ${iso('t')}, ${iso('t')}, 'https', ${perAgent} FROM runs`],
    ['readings', `INSERT INTO readings (message_id, position, device_id, agent_id, customer, read_at, received_at, ok, reason, payload)
      SELECT 'm-' || a || '-' || k, p, d, ${agentId('a')}, ${cust('a')}, ${iso('t')}, ${iso('t')}, 1, 'pages', ${payload}
      FROM runs, generate_series(0, ${perAgent - 1}) p, LATERAL (SELECT (a - 1) * ${perAgent} + p + 1 AS d, ${value('(a - 1) * ' + perAgent + ' + p + 1', 't')} AS v) x`],
    ['counters', `INSERT INTO counters (reading_id, device_id, key, value, unit, read_at)
      SELECT r.id, r.device_id, k.key, CASE k.key WHEN 'total' THEN x.v WHEN 'mono' THEN x.v * 6 / 10 ELSE x.v * 4 / 10 END, 'impressions', r.read_at
      FROM readings r CROSS JOIN LATERAL (SELECT ${value('r.device_id', `(r.read_at)::timestamptz`)} AS v) x
      JOIN (VALUES ('total'), ('mono'), ('color')) k(key) ON k.key <> 'color' OR r.device_id % 3 = 0`],
    // Supply levels as stored (a row when the level moves, about one a day per consumable).
    ['supply_levels', `INSERT INTO supply_levels (device_id, idx, read_at, level_percent, total)
      SELECT s.device_id, s.idx, ${iso(`${N} - g * interval '1 day'`)}, LEAST(100, s.level_percent + round(g * (0.5 + (s.device_id % 10) / 4.0)))::int, ${value('s.device_id', `${N} - g * interval '1 day'`)}
      FROM supplies s, LATERAL generate_series(0, ${rawOf(`(s.device_id - 1) / ${perAgent} + 1`)} - 1) g WHERE s.class = 'consumed'`],
    // Rollups kept for ever: a year of days and months.
    ['counter_daily', `INSERT INTO counter_daily (device_id, key, day, first_value, first_at, last_value, last_at, reads)
      SELECT d, k.key, to_char(${N} - g * interval '1 day', 'YYYY-MM-DD'), ${value('d', `${N} - g * interval '1 day'`)} * k.f / 10, ${iso(`date_trunc('day', ${N} - g * interval '1 day') + interval '1 hour'`)},
        ${value('d', `${N} - (g - 1) * interval '1 day'`)} * k.f / 10, ${iso(`date_trunc('day', ${N} - g * interval '1 day') + interval '22 hours'`)}, 3 + d % 8
      FROM generate_series(1, ${devices}) d, LATERAL generate_series(${rawDays}, ${dailyOf('d')} - 1) g, (VALUES ('total', 10), ('mono', 6), ('color', 4)) k(key, f)
      WHERE k.key <> 'color' OR d % 3 = 0`],
    ['counter_monthly', `INSERT INTO counter_monthly (device_id, key, month, first_value, first_at, last_value, last_at, reads)
      SELECT d, k.key, to_char(${N} - g * interval '1 month', 'YYYY-MM'), ${value('d', `${N} - g * interval '1 month'`)} * k.f / 10, ${iso(`date_trunc('month', ${N} - g * interval '1 month') + interval '1 hour'`)},
        ${value('d', `${N} - (g - 1) * interval '1 month'`)} * k.f / 10, ${iso(`date_trunc('month', ${N} - (g - 1) * interval '1 month') - interval '2 hours'`)}, 30 * (3 + d % 8)
      FROM generate_series(1, ${devices}) d, generate_series(0, ${months - 1}) g, (VALUES ('total', 10), ('mono', 6), ('color', 4)) k(key, f)
      WHERE k.key <> 'color' OR d % 3 = 0`],
    ['supply_daily', `INSERT INTO supply_daily (device_id, idx, day, min_level, max_level, last_level)
      SELECT s.device_id, s.idx, to_char(${N} - g * interval '1 day', 'YYYY-MM-DD'), l, l, l
      FROM supplies s, LATERAL generate_series(${rawDays}, ${dailyOf('s.device_id')} - 1) g, LATERAL (SELECT ((s.level_percent + g * 7) % 101)::int AS l) x WHERE s.class = 'consumed'`],
    ['notify', `INSERT INTO notify_rules (name, kind, threshold, customer, channel, target, secret, enabled, created_at) VALUES
      ('low toner', 'supply-low', 10, NULL, 'email', 'toner@dealer.example', NULL, 1, ${iso(N)}),
      ('service', 'device-error', NULL, NULL, 'email', 'service@dealer.example', NULL, 1, ${iso(N)}),
      ('erp', 'supply-forecast', 7, NULL, 'webhook', 'https://erp.dealer.example/hooks/amr', 'bench-secret', 1, ${iso(N)})`],
    ['notify_events', `INSERT INTO notify_events (rule_id, subject, kind, customer, device_id, agent_id, state, detail, opened_at, absent_since, cleared_at)
      SELECT 1, 'device:' || s.device_id || ':supply:' || s.idx, 'supply-low', d.customer, s.device_id, d.last_agent_id,
        CASE WHEN s.level_percent <= 10 THEN 'open' ELSE 'cleared' END, 'toner ' || s.level_percent || '%', s.read_at, NULL, CASE WHEN s.level_percent <= 10 THEN NULL ELSE s.read_at END
      FROM supplies s JOIN devices d ON d.id = s.device_id WHERE s.class = 'consumed' AND (s.level_percent <= 10 OR s.device_id % 5 = 0)`],
    ['analyze', 'ANALYZE'],
  ];
}
