import { readFileSync } from 'node:fs';
import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Socket as UdpSocket } from 'node:dgram';
import type { Server as TcpServer } from 'node:net';
import { startTcp, startUdp, type TcpBounds } from './aux.js';
import { DEFAULT_LIMITS, type IngestLimits } from './ingest.js';
import { agentKeyBox } from './agent-keys.js';
import { openDb } from './db/open.js';
import type { Db } from './db/types.js';
import { configSnippet, enroll, rekey, type Enrollment } from './enroll.js';
import { httpHandler } from './http.js';
import { silentLogger, stderrLogger, type Logger } from './log.js';
import { startNotifier, type NotifierOptions } from './notify/notifier.js';
import { startRetentionTimer, type RetentionTimerOptions } from './retention/timer.js';

export { openDb, DbUrlError } from './db/open.js';
export type { Db, Queryable } from './db/types.js';
export { enroll, rekey, configSnippet, EnrollError, type Enrollment } from './enroll.js';
export { fleet, type Fleet } from './reports/fleet.js';
export { meters, meterCsvRecords, METER_CSV_COLUMNS, type MeterReport, type MeterRow } from './reports/meters.js';
export { parsePeriod, PeriodError, type Period } from './reports/period.js';
export {
  BillingError, billingCalendar, billingCalendars, setBillingCalendar, billingReport, billingReports, closePeriod, billCsv, billCsvRecords, billJson,
  BILL_CSV_COLUMNS, billingPeriod, periodLabelAt, periodState, previousLabel, type Adjustment, type BillingReport, type BillState, type CustomerCalendar,
} from './billing/index.js';
export { lowSupplies, lowCursor, encodeLowCursor, decodeLowCursor } from './reports/supplies.js';
export { openAlerts } from './reports/alerts.js';
export { stale } from './reports/stale.js';
export { countersBackwards } from './reports/backwards.js';
export { csv, table, columnsOf } from './reports/format.js';
export { signature } from '@amr/protocol';
export { stderrLogger, silentLogger, type Logger } from './log.js';
export * from './service.js';

export interface CollectorOptions {
  /** `sqlite:/path/file.db` (default form), a bare path, or `postgres://...`; or an open Db. */
  db: string | Db;
  port?: number;
  /** Default 127.0.0.1: listening on other addresses is the dealer's explicit choice. */
  host?: string;
  /** PEM text or file paths; both given means HTTPS. */
  tls?: { cert: string; key: string };
  /** Auxiliary TCP port (0 = any free port); undefined = off. */
  tcpPort?: number;
  /** Emergency UDP ports (0 = any free port); undefined or [] = off. */
  udpPorts?: number[];
  staleHours?: number;
  /** What one agent may create (ingest.ts DEFAULT_LIMITS). */
  limits?: Partial<IngestLimits>;
  /** Bounds of the auxiliary TCP port (aux.ts: 60 s per connection, 256 connections, 16 per address). */
  tcpBounds?: Partial<TcpBounds>;
  /** Open HTTP(S) connections at most (default 2048). */
  maxConnections?: number;
  /** The file holding the key that seals agent keys in the database (agent-keys.ts); default beside an SQLite file. */
  keyFile?: string;
  /** Log and go on when an auxiliary port cannot be bound (e.g. UDP 1010 without root), instead of failing. */
  auxOptional?: boolean;
  /** Default: stderr lines; `false` for silence. */
  log?: Logger | false;
  /** Notification delivery and silence checks (SMTP from AMR_COLLECTOR_SMTP_URL by default); `false` turns it off. */
  notify?: NotifierOptions | false;
  /** Daily retention and rollups in this process (retention/timer.ts); off (undefined or false) unless given: `serve` turns it on. */
  retention?: RetentionTimerOptions | false;
}

export interface Collector {
  /** Base URL agents use (`[server] urls`), without a trailing slash. */
  url: string;
  port: number;
  tcpPort: number | null;
  udpPorts: number[];
  db: Db;
  enroll(customer: string, agentId?: string): Promise<Enrollment>;
  rekey(agentId: string): Promise<Enrollment>;
  /** The config.ini snippet for an enrolment, pointing at this collector. */
  snippet(e: Enrollment): string;
  stop(): Promise<void>;
}

const pem = (v: string) => (v.includes('-----BEGIN') ? v : readFileSync(v, 'utf8'));

export async function startCollector(opts: CollectorOptions): Promise<Collector> {
  const log: Logger = opts.log === false ? silentLogger : opts.log ?? stderrLogger;
  const ownsDb = typeof opts.db === 'string';
  const db = typeof opts.db === 'string' ? await openDb(opts.db) : opts.db;
  const host = opts.host ?? '127.0.0.1';
  try {
    await agentKeyBox(db, opts.keyFile);
  } catch (err) {
    if (ownsDb) await db.close();
    throw err;
  }
  const limits: IngestLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const handler = httpHandler({ db, log, secure: !!opts.tls, staleHours: opts.staleHours, limits });
  const server: Server = opts.tls ? createHttps({ cert: pem(opts.tls.cert), key: pem(opts.tls.key) }, handler) : createHttp(handler);
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 10_000;
  // requestTimeout is absolute (a trickle cannot stretch it); connections beyond the cap are dropped at accept.
  server.maxConnections = opts.maxConnections ?? 2048;

  let tcp: TcpServer | null = null;
  const udp: UdpSocket[] = [];
  const closeAll = async () => {
    await new Promise<void>((r) => server.close(() => r()));
    server.closeAllConnections();
    if (tcp) await new Promise<void>((r) => tcp!.close(() => r()));
    for (const u of udp) await new Promise<void>((r) => u.close(() => r()));
  };
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const optional = async <T>(what: string, start: () => Promise<T>): Promise<T | null> => {
      try {
        return await start();
      } catch (err) {
        if (!opts.auxOptional) throw err;
        const code = (err as NodeJS.ErrnoException).code;
        log('warn', `cannot listen on ${what} (${code ?? (err as Error).message})${code === 'EACCES' ? ': ports below 1024 need root or CAP_NET_BIND_SERVICE' : ''}; going on without it`);
        return null;
      }
    };
    if (opts.tcpPort !== undefined) tcp = await optional(`TCP ${opts.tcpPort}`, () => startTcp(db, log, opts.tcpPort!, host, limits, opts.tcpBounds));
    for (const p of opts.udpPorts ?? []) {
      const u = await optional(`UDP ${p}`, () => startUdp(db, log, p, host, limits));
      if (u) udp.push(u);
    }
  } catch (err) {
    await closeAll().catch(() => undefined);
    if (ownsDb) await db.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const url = `${opts.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log('info', `collector listening on ${url} (${db.label})${tcp ? `, tcp ${(tcp.address() as AddressInfo).port}` : ''}${udp.length ? `, udp ${udp.map((u) => u.address().port).join(', ')}` : ''}`);
  const notifier = opts.notify === false ? null : startNotifier(db, log, opts.notify);
  const maintenance = opts.retention ? startRetentionTimer(db, log, opts.retention) : null;
  let stopped = false;
  return {
    url,
    port,
    tcpPort: tcp ? (tcp.address() as AddressInfo).port : null,
    udpPorts: udp.map((u) => u.address().port),
    db,
    enroll: (customer, agentId) => enroll(db, customer, agentId),
    rekey: (agentId) => rekey(db, agentId),
    snippet: (e) => configSnippet(e, [url]),
    async stop() {
      if (stopped) return;
      stopped = true;
      await notifier?.stop();
      await maintenance?.stop();
      await closeAll();
      if (ownsDb) await db.close();
    },
  };
}
