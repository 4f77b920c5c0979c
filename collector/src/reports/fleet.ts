import type { Db } from '../db/types.js';

export interface FleetCustomer { customer: string; agents: number; devices: number; lastHeardAt: string | null }
export interface FleetAgent { agentId: string; customer: string; version: string | null; lastHeardAt: string | null; enrolledAt: string; revoked: boolean }
export interface FleetDevice {
  id: number; customer: string; vendor: string | null; model: string | null; serial: string | null; mac: string | null;
  ip: string | null; hostname: string | null; location: string | null; firmware: string | null;
  lastReadAt: string | null; status: string; printerStatus: string | null; errors: string[]; total: number | null;
  lastError: string | null; agentId: string | null;
  /** serial, mac, or fallback: no serial or MAC, known by agent + address + model until one appears. */
  identifiedBy: string | null;
}
export interface Fleet { customers: FleetCustomer[]; agents: FleetAgent[]; devices: FleetDevice[] }

const where = (customer: string | undefined, col: string): [string, unknown[]] =>
  customer ? [` WHERE ${col} = ?`, [customer]] : ['', []];

/** Customers, their agents (last heard, version) and devices (identity, last reading, status). */
export async function fleet(db: Db, opts: { customer?: string } = {}): Promise<Fleet> {
  const [wc, pc] = where(opts.customer, 'c.code');
  const customers = await db.all<Record<string, unknown>>(
    `SELECT c.code AS customer,
       (SELECT COUNT(*) FROM agents a WHERE a.customer = c.code) AS agents,
       (SELECT COUNT(*) FROM devices d WHERE d.customer = c.code AND d.merged_into IS NULL) AS devices,
       (SELECT MAX(a.last_heard_at) FROM agents a WHERE a.customer = c.code) AS last_heard_at
     FROM customers c${wc} ORDER BY c.code`, pc);
  const [wa, pa] = where(opts.customer, 'customer');
  const agents = await db.all<Record<string, unknown>>(
    `SELECT agent_id, customer, agent_version, last_heard_at, created_at, revoked FROM agents${wa} ORDER BY customer, agent_id`, pa);
  const [wd, pd] = where(opts.customer, 'd.customer');
  const devices = await db.all<Record<string, unknown>>(
    // The newest total per device through the (device_id, key, read_at) index: one short lookup per listed device, not a pass over all counters.
    `SELECT d.*, (SELECT c.value FROM counters c WHERE c.device_id = d.id AND c.key = 'total' ORDER BY c.read_at DESC LIMIT 1) AS total FROM devices d
     WHERE d.merged_into IS NULL${wd.replace(' WHERE ', ' AND ')}
     ORDER BY d.customer, d.vendor, d.model, d.serial, d.mac`, pd);
  return {
    customers: customers.map((r) => ({
      customer: String(r.customer), agents: Number(r.agents), devices: Number(r.devices), lastHeardAt: (r.last_heard_at as string) ?? null,
    })),
    agents: agents.map((r) => ({
      agentId: String(r.agent_id), customer: String(r.customer), version: (r.agent_version as string) ?? null,
      lastHeardAt: (r.last_heard_at as string) ?? null, enrolledAt: String(r.created_at), revoked: Number(r.revoked) === 1,
    })),
    devices: devices.map(toDevice),
  };
}

export function deviceStatus(r: Record<string, unknown>): string {
  const lastRead = r.last_read_at as string | null;
  const lastErr = r.last_error_at as string | null;
  if (lastErr && (!lastRead || lastErr > lastRead)) return 'unreachable';
  return (r.device_status as string) ?? 'unknown';
}

function toDevice(r: Record<string, unknown>): FleetDevice {
  const s = (k: string) => (r[k] as string | null) ?? null;
  return {
    id: Number(r.id), customer: String(r.customer), vendor: s('vendor'), model: s('model'), serial: s('serial'), mac: s('mac'),
    ip: s('ip'), hostname: s('hostname'), location: s('location'), firmware: s('firmware'),
    lastReadAt: s('last_read_at'), status: deviceStatus(r), printerStatus: s('printer_status'),
    errors: r.errors ? (JSON.parse(String(r.errors)) as string[]) : [],
    total: r.total === null || r.total === undefined ? null : Number(r.total),
    lastError: s('last_error'), agentId: s('last_agent_id'), identifiedBy: s('identified_by'),
  };
}
