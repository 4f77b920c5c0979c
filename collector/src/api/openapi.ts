/** The API described for tools (OpenAPI 3.1), served at /api/openapi.json. Kept beside the routes it describes (api/router.ts). */
const str = { type: 'string' };
const strN = { type: ['string', 'null'] };
const intN = { type: ['integer', 'null'] };
// Keyset pages: `limit` rows (default 1000, at most 10000); the answer's `next` (null on the last page) is the next page's `after`.
const err = { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const q = (name: string, description: string, schema: object = str) => ({ name, in: 'query', required: false, description, schema });
const pageParams = [q('limit', 'rows a page (default 1000, at most 10000)', { type: 'integer' }), q('after', 'the previous page\'s "next" (keyset cursor)')];
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer' }, description: 'device id (as in /devices/{id})' };
const ok = (schema: object, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const common = { 401: err, 403: err };

export function openApi(): object {
  return {
    openapi: '3.1.0',
    info: {
      title: 'amr collector API', version: '1',
      description: 'Read the dealer\'s fleet, readings, meter reads, supplies and alerts. Authenticate with a per-user API token '
        + '(Account page) as `Authorization: Bearer amr_...`. A token has its user\'s role: a customer user sees only its customer; '
        + 'another customer\'s device id answers 404. Times are ISO 8601 UTC.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths: {
      '/api/v1/me': { get: { summary: 'Who the token belongs to', responses: { 200: ok({ type: 'object', properties: { username: str, role: str, customer: strN } }), ...common } } },
      '/api/v1/devices': {
        get: {
          summary: 'Devices in your scope, filtered',
          parameters: [q('customer', 'customer code (staff only; a customer user always gets its own)'), q('model', 'exact model'),
            q('status', 'ok | unknown | warning | error'), q('q', 'search serial, MAC, model, vendor, IP, host name, location'),
            q('low', '1 = only devices with a low or empty supply'), q('silent', '1 = only devices not read in the collector\'s --stale-hours'),
            q('limit', 'at most 1000 (default 100)', { type: 'integer' }), q('offset', 'skip this many', { type: 'integer' })],
          responses: { 200: ok({ type: 'object', properties: { total: { type: 'integer' }, devices: { type: 'array', items: { $ref: '#/components/schemas/Device' } } } }), ...common },
        },
      },
      '/api/v1/devices/{id}': { get: { summary: 'One device with its current counters, supplies and open alerts', parameters: [idParam], responses: { 200: ok({ $ref: '#/components/schemas/Device' }), 404: err, ...common } } },
      '/api/v1/devices/{id}/readings': {
        get: {
          summary: 'Stored readings of a device, newest first, as the agent sent them (docs/protocol.md)',
          parameters: [idParam, q('from', 'ISO time, inclusive'), q('to', 'ISO time, exclusive'), q('limit', 'at most 1000 (default 100)', { type: 'integer' })],
          responses: { 200: ok({ type: 'object', properties: { deviceId: { type: 'integer' }, readings: { type: 'array', items: { type: 'object' } } } }), 404: err, ...common },
        },
      },
      '/api/v1/devices/{id}/history': { get: { summary: 'Pages per day and month, supply levels over time, recent alerts', parameters: [idParam], responses: { 200: ok({ type: 'object' }), 404: err, ...common } } },
      '/api/v1/meters': {
        get: {
          summary: 'Meter reads for a billing period (same rows as the CSV export); devices with no read in or near the period have source "no data"',
          parameters: [q('period', 'YYYY-MM'), q('from', 'period start'), q('to', 'period end, exclusive'), q('customer', 'customer code (staff)')],
          responses: { 200: ok({ type: 'object', properties: { from: str, to: str, toleranceHours: { type: 'integer' }, rows: { type: 'array', items: { $ref: '#/components/schemas/MeterRow' } } } }), 400: err, ...common },
        },
      },
      '/api/v1/supplies': { get: { summary: 'Low and empty supplies', parameters: [q('customer', 'customer code (staff)'), q('below', 'also consumables at or below this %', { type: 'integer' }), ...pageParams], responses: { 200: ok({ type: 'object' }), ...common } } },
      '/api/v1/alerts': { get: { summary: 'Open alerts with their acknowledgement', parameters: [q('customer', 'customer code (staff)')], responses: { 200: ok({ type: 'object', properties: { alerts: { type: 'array', items: { $ref: '#/components/schemas/Alert' } } } }), ...common } } },
      '/api/v1/alerts/{alertId}/ack': {
        post: {
          summary: 'Acknowledge an open alert (technician, admin)',
          parameters: [{ name: 'alertId', in: 'path', required: true, schema: str }],
          responses: { 200: ok({ type: 'object', properties: { alert: { $ref: '#/components/schemas/Alert' } } }), 404: err, ...common },
        },
      },
      '/api/v1/forecasts': { get: { summary: 'Days until empty for every consumable (Theil-Sen trend of its level since the last cartridge change, else the page rate)', parameters: [q('customer', 'customer code (staff)'), q('device', 'one device id', { type: 'integer' })], responses: { 200: ok({ type: 'object' }), 404: err, ...common } } },
      '/api/v1/supplies/to-ship': { get: { summary: 'Supplies below the customer\'s level or fewer days from empty than its threshold, not yet shipped', parameters: [q('customer', 'customer code (staff)'), ...pageParams], responses: { 200: ok({ type: 'object' }), ...common } } },
      '/api/v1/devices/{id}/supplies/{supply}/shipped': {
        post: { summary: 'Mark a supply shipped (technician, admin): off the list until its next cartridge change', parameters: [idParam, { name: 'supply', in: 'path', required: true, schema: str, description: 'supply index as in /api/v1/supplies/to-ship' }], responses: { 200: ok({ type: 'object' }), 404: err, ...common } },
      },
      '/api/v1/notifications': { get: { summary: 'Notification events (opened, cleared, acknowledged)', parameters: [q('customer', 'customer code (staff)'), q('open', '1 = only open ones')], responses: { 200: ok({ type: 'object' }), ...common } } },
      '/api/v1/notifications/{eventId}/ack': { post: { summary: 'Acknowledge a notification (technician, admin)', parameters: [{ name: 'eventId', in: 'path', required: true, schema: { type: 'integer' } }], responses: { 200: ok({ type: 'object' }), 404: err, ...common } } },
      '/api/v1/agents': { get: { summary: 'Agents (sites): version, last heard, last run, spool backlog', responses: { 200: ok({ type: 'object' }), ...common } } },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'amr_ + 43 characters, from the Account page' } },
      schemas: {
        Error: { type: 'object', properties: { ok: { const: false }, error: str }, required: ['ok', 'error'] },
        Device: {
          type: 'object',
          properties: {
            id: { type: 'integer' }, customer: str, agentId: strN, vendor: strN, model: strN, serial: strN, mac: strN, ip: strN, hostname: strN,
            location: strN, firmware: strN, firstSeenAt: str, lastReadAt: strN, status: str, printerStatus: strN, errors: { type: 'array', items: str },
            total: intN, lowestSupply: intN, lowSupplies: { type: 'integer' },
          },
        },
        MeterRow: {
          type: 'object',
          properties: {
            customer: str, vendor: strN, model: strN, serial: strN, mac: strN, counter: strN, unit: strN, period_start: str, start_value: intN,
            start_read_at: strN, start_source: { enum: ['read', 'interpolated', 'extrapolated', 'no data', 'none'] }, period_end: str, end_value: intN,
            end_read_at: strN, end_source: str, pages: intN, estimated: { enum: ['yes', 'no'] }, note: strN,
          },
        },
        Alert: {
          type: 'object',
          properties: {
            id: str, deviceId: { type: 'integer' }, customer: str, severity: strN, code: intN, codeName: strN, description: strN, since: str,
            readAt: str, ackedBy: strN, ackedAt: strN,
          },
        },
      },
    },
  };
}
