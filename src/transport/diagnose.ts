/**
 * `amr send --dry-run` diagnosis: walk each endpoint the way a delivery would
 * (DNS, TCP connect or proxy, proxy CONNECT, TLS handshake, HTTP probe, then the
 * TCP and UDP auxiliary channels) and turn each failure into one action an IT
 * department can take. Sends no message: the HTTP and aux probes carry a signed
 * body that the collector verifies and then rejects as "schema wrong" (400 / ERR),
 * which proves reachability and that the agent key is accepted.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { isIP, Socket, connect as netConnect } from 'node:net';
import { connect as tlsConnect, rootCertificates, type PeerCertificate, type TLSSocket } from 'node:tls';
import { gzipSync } from 'node:zlib';
import { encodeAuxPacket, httpHeaders } from '@amr/protocol';
import { classify, postMessage, type Lookup } from './http.js';
import { explainProxy, proxySourceName, type ProxyChoice, type ProxyDeps } from './proxy.js';
import { sendTcp, sendUdp, type AuxResult } from './aux.js';
import { classifyRefusal } from './refusal.js';
import type { Transport } from './deliver.js';

const systemLookup: Lookup = (host) => dnsLookup(host);

export type StepStatus = 'ok' | 'fail' | 'skip' | 'warn';
export interface Step { name: string; status: StepStatus; detail: string }
export interface EndpointReport {
  server: string; proxy: string | null; steps: Step[]; primaryOk: boolean; actions: string[];
  /** Which proxy source decided, and what it said. */
  proxyWhy: string;
}
export interface Diagnosis { endpoints: EndpointReport[]; primaryOk: boolean; actions: string[] }

/** The probe body: signed like any message, but not a message (collector answers 400). */
export function probeBody(agentId: string): Buffer {
  return gzipSync(Buffer.from(JSON.stringify({ protocol: 1, type: 'probe', agentId })));
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ host, port });
    s.setTimeout(timeoutMs, () => { s.destroy(); reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })); });
    s.once('connect', () => { s.setTimeout(0); resolve(s); });
    s.once('error', reject);
  });
}

/** CONNECT through the proxy; resolves the tunnel socket or rejects with the status. */
function proxyConnect(proxy: ProxyChoice, host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    // keep-alive: with "close" an NTLM relay (cntlm) cannot finish its handshake upstream.
    const headers: Record<string, string> = { host: `${host}:${port}`, connection: 'keep-alive' };
    if (proxy.url.username) {
      headers['proxy-authorization'] = 'Basic ' + Buffer.from(`${decodeURIComponent(proxy.url.username)}:${decodeURIComponent(proxy.url.password)}`).toString('base64');
    }
    const req = httpRequest({ host: proxy.url.hostname, port: Number(proxy.url.port || 80), method: 'CONNECT', path: `${host}:${port}`, headers, timeout: timeoutMs, agent: false });
    req.once('connect', (res, socket) => {
      if (res.statusCode === 200) resolve(socket);
      else { socket.destroy(); reject(new Error(`Bad response: ${res.statusCode}`)); }
    });
    req.once('timeout', () => req.destroy(Object.assign(new Error('proxy timeout'), { code: 'ETIMEDOUT' })));
    req.once('error', reject);
    req.end();
  });
}

function tlsHandshake(socket: Socket, host: string, ca: string | null, timeoutMs: number): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const t: TLSSocket = tlsConnect({
      socket, servername: isIP(host) ? undefined : host, host, ca: ca ? [...rootCertificates, ca] : undefined, rejectUnauthorized: true,
    });
    const timer = setTimeout(() => { t.destroy(); reject(Object.assign(new Error('TLS handshake timeout'), { code: 'ETIMEDOUT' })); }, timeoutMs);
    t.once('secureConnect', () => { clearTimeout(timer); const c = t.getPeerCertificate(); t.destroy(); resolve(c); });
    t.once('error', (e) => { clearTimeout(timer); t.destroy(); reject(e); });
  });
}

export interface DiagnoseOptions {
  /** Waits between UDP retries (tests shorten them). */
  udpWaits?: readonly number[];
  /** Host name to address; default the system resolver. Every later step uses its answer. */
  lookup?: Lookup;
  /** Proxy sources (tests inject Windows settings and the PAC name lookup). */
  proxy?: ProxyDeps;
}

export async function diagnose(t: Transport, options: DiagnoseOptions = {}): Promise<Diagnosis> {
  const endpoints: EndpointReport[] = [];
  for (const server of t.config.server.urls) endpoints.push(await diagnoseEndpoint(t, server, options));
  const primaryOk = endpoints.some((e) => e.primaryOk);
  const actions = [...new Set(endpoints.flatMap((e) => e.actions))];
  return { endpoints, primaryOk, actions };
}

async function diagnoseEndpoint(t: Transport, server: string, options: DiagnoseOptions): Promise<EndpointReport> {
  const { config, ctx } = t;
  const url = new URL(server);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const tls = url.protocol === 'https:';
  const proxyDecision = await explainProxy(config, url, options.proxy);
  const proxy = proxyDecision.choice;
  const timeout = config.server.timeout;
  const steps: Step[] = [];
  const actions: string[] = [];
  const rep: EndpointReport = { server, proxy: proxy?.display ?? null, proxyWhy: proxyDecision.why, steps, primaryOk: false, actions };
  const step = (name: string, status: StepStatus, detail: string) => steps.push({ name, status, detail });
  // A configured proxy source that failed (PAC file unreachable, ...) is something to fix.
  actions.push(...proxyDecision.warnings);

  // DNS: through a proxy the proxy resolves the collector's name, so a local failure does not matter.
  let dnsOk = true;
  let address = host;
  if (isIP(host)) step('dns', 'skip', `${host} is an address`);
  else {
    try {
      const r = await (options.lookup ?? systemLookup)(host);
      address = r.address;
      step('dns', 'ok', `${host} -> ${r.address}`);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      dnsOk = false;
      step('dns', proxy ? 'warn' : 'fail', `${host} does not resolve (${code})${proxy ? '; the proxy resolves it instead' : ''}`);
      if (!proxy) actions.push(`${host} does not resolve: check the PC's DNS server, or the name in config.ini [server] urls`);
    }
  }

  let socket: Socket | null = null;
  if (proxy) {
    const ph = proxy.url.hostname;
    const pp = Number(proxy.url.port || 80);
    try {
      (await tcpConnect(ph, pp, timeout)).destroy();
      step('proxy', 'ok', `TCP ${ph}:${pp} (${proxy.display}, from ${proxySourceName(proxy.source)})`);
    } catch (e) {
      step('proxy', 'fail', `cannot reach proxy ${proxy.display} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      actions.push(`proxy ${proxy.display} is unreachable: check ${proxySourceName(proxy.source)}, or that the proxy runs; or allow outbound TCP ${port} to ${host} and set [proxy] url = none`);
      return rep;
    }
    try {
      socket = await proxyConnect(proxy, host, port, timeout);
      step('connect', 'ok', `proxy opened a tunnel to ${host}:${port}`);
    } catch (e) {
      const c = classify(e, proxy, timeout);
      step('connect', 'fail', c.error);
      actions.push(c.kind === 'proxy-auth' ? c.error.replace(/^.*?: /, '') + (c.code === '407' || c.code === '401' ? ` (proxy answered ${c.code})` : '')
        : c.code === '403' ? `proxy ${proxy.display} forbids CONNECT to ${host}:${port}: ask IT to allow it in the proxy policy`
          : `proxy ${proxy.display} could not open a tunnel to ${host}:${port} (${c.error})`);
      return rep;
    }
  } else if (dnsOk) {
    try {
      socket = await tcpConnect(address, port, timeout);
      step('tcp', 'ok', `connected to ${host}:${port}${address !== host ? ` (${address})` : ''}`);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      step('tcp', 'fail', `TCP ${host}:${port}: ${code === 'ECONNREFUSED' ? 'refused' : code === 'ETIMEDOUT' ? `no answer in ${timeout / 1000}s (filtered)` : code}`);
      actions.push(`allow outbound TCP ${port} to ${host}${code === 'ECONNREFUSED' ? ' (the connection was refused: a firewall rejects it or the collector is down)' : ''}`);
    }
  }
  if (socket && tls) {
    try {
      const cert = await tlsHandshake(socket, host, t.ca, timeout);
      step('tls', 'ok', `certificate for ${cert.subject?.CN ?? host}, issued by ${cert.issuer?.CN ?? '?'}, valid until ${cert.valid_to}`);
    } catch (e) {
      const c = classify(e, null, timeout);
      step('tls', 'fail', c.error);
      const code = c.code ?? '';
      if (/EXPIRED|NOT_YET/.test(code)) actions.push(`the collector certificate at ${host} ${code.includes('EXPIRED') ? 'has expired' : 'is not valid yet'}: tell your dealer (or check this PC's clock)`);
      else if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') actions.push(`the certificate at ${host}:${port} is for another host name: check config.ini [server] urls, or a firewall intercepting TLS`);
      else actions.push(`the certificate at ${host}:${port} is not trusted: set config.ini [server] ca_file to the CA your dealer gave you, or, if a firewall inspects TLS, exempt ${host} from inspection`);
      return rep;
    }
  } else if (socket) {
    socket.destroy();
    step('tls', 'skip', 'plain HTTP (allow_http = true): not encrypted');
  } else if (!proxy && !dnsOk) return rep;
  socket?.destroy();

  if (steps.some((s) => s.status === 'fail')) {
    // The primary channel is blocked; still check the auxiliary ones below.
  } else {
    const body = probeBody(ctx.agentId);
    const r = await postMessage({ server, body, headers: httpHeaders(ctx.agentId, ctx.key, body), proxy, ca: t.ca, timeoutMs: timeout, messageId: 'probe', lookup: options.lookup });
    const error = r.ok ? '' : r.error;
    const refusal = !r.ok && r.refusal ? classifyRefusal(r.status ?? null, r.refusal, { agentId: ctx.agentId, customer: ctx.customer }) : null;
    if (!r.ok && r.kind === 'http-status' && r.status === 400 && refusal?.kind === 'invalid') {
      // The probe is an empty body on purpose: the collector's own JSON refusal of it proves key, id and clock.
      step('http', 'ok', `collector answered and accepted the agent key (probe rejected as expected: ${error.replace(/^HTTP 400: /, '')})`);
      rep.primaryOk = true;
    } else if (r.ok) {
      step('http', 'ok', 'collector answered');
      rep.primaryOk = true;
    } else {
      step('http', 'fail', error);
      if (refusal?.kind === 'config') actions.push(`the collector at ${host} refuses this agent: ${refusal.hint}`);
      else if (r.kind === 'http-status' && r.status === 404) actions.push(`no collector at ${server}: check the path in config.ini [server] urls`);
      else if (r.kind === 'timeout') actions.push(`the collector at ${host} does not answer in ${timeout / 1000}s: tell your dealer, or raise config.ini [server] timeout`);
      else actions.push(`the collector at ${server} answers wrongly (${error}): a proxy or captive portal may be in the way; tell your dealer`);
    }
  }

  // Auxiliary channels: direct only (proxies do not carry them).
  const probe = encodeAuxPacket(ctx.agentId, ctx.key, probeBody(ctx.agentId));
  const auxReq = { host: address, packet: probe, key: ctx.key, messageId: 'probe' };
  if (config.server.tcp_port > 0) {
    const r = await sendTcp({ ...auxReq, port: config.server.tcp_port }, Math.min(timeout, 5000));
    const refused = auxRefusal(r, ctx);
    if (refused) {
      step('aux-tcp', 'fail', `TCP ${config.server.tcp_port} answered but refuses this agent: ${r.ok ? '' : r.error}`);
      actions.push(`the collector's TCP ${config.server.tcp_port} refuses this agent: ${refused}`);
    } else if (r.ok || r.kind === 'rejected') step('aux-tcp', 'ok', `TCP ${config.server.tcp_port} answered and accepted the agent key`);
    else {
      step('aux-tcp', 'warn', r.error.startsWith('TCP') ? r.error : `TCP ${config.server.tcp_port}: ${r.error}`);
      actions.push(`optional: allow outbound TCP ${config.server.tcp_port} to ${host} (auxiliary channel for alerts when HTTPS is blocked)`);
    }
  }
  for (const udpPort of config.server.udp_ports) {
    const r = await sendUdp({ ...auxReq, port: udpPort }, options.udpWaits ?? [1000, 2000]);
    const refused = auxRefusal(r, ctx);
    if (refused) {
      step('aux-udp', 'fail', `UDP ${udpPort} answered but refuses this agent: ${r.ok ? '' : r.error}`);
      actions.push(`the collector's UDP ${udpPort} refuses this agent: ${refused}`);
    } else if (r.ok || r.kind === 'rejected') step('aux-udp', 'ok', `UDP ${udpPort} answered and accepted the agent key`);
    else {
      step('aux-udp', 'warn', `UDP ${udpPort}: ${r.error}`);
      actions.push(`optional: allow outbound UDP ${udpPort} to ${host} (emergency channel for alerts)`);
    }
  }
  if (!rep.primaryOk && actions.length === 0) actions.push(`${url.protocol === 'http:' ? 'HTTP' : 'HTTPS'} to ${server} does not work; see the steps above`);
  return rep;
}

/** An auxiliary ERR that configuration can fix (unknown agent, key, clock) is a refusal, not "answered". */
function auxRefusal(r: AuxResult, ctx: { agentId: string; customer: string }): string | null {
  if (r.ok || r.kind !== 'rejected') return null;
  const cls = classifyRefusal(null, { error: r.reason, code: r.code }, ctx);
  return cls?.kind === 'config' ? cls.hint : null;
}
