/** A real HTTP(S) server on loopback for web-scrape tests; records every request. */
import { createServer as createHttp, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface TestServer {
  baseUrl: string;
  requests: Array<{ method: string; url: string; headers: IncomingMessage['headers'] }>;
  close(): Promise<void>;
}

export const FIXTURES = new URL('../fixtures/web/', import.meta.url);

export function fixture(rel: string): Buffer {
  return readFileSync(new URL(rel, FIXTURES));
}

/** Serve fixture files by request path (path+query, exactly as the profile writes it). */
export function files(map: Record<string, { file: string; type?: string }>): Record<string, Handler> {
  const out: Record<string, Handler> = {};
  for (const [path, f] of Object.entries(map)) {
    out[path] = (_req, res) => {
      res.writeHead(200, { 'content-type': f.type ?? 'text/html; charset=utf-8' });
      res.end(fixture(f.file));
    };
  }
  return out;
}

export async function startServer(
  host: string,
  routes: Record<string, Handler>,
  opts: { tls?: boolean; port?: number } = {},
): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method ?? '?', url: req.url ?? '', headers: req.headers });
    const h = routes[req.url ?? ''];
    if (h) h(req, res);
    else { res.writeHead(404, { 'content-type': 'text/html' }); res.end('<html><body>Not Found</body></html>'); }
  };
  let server: Server;
  if (opts.tls) {
    const tls = new URL('tls/', FIXTURES);
    server = createHttps({ key: readFileSync(new URL('key.pem', tls)), cert: readFileSync(new URL('cert.pem', tls)) }, handle);
  } else {
    server = createHttp(handle);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `${opts.tls ? 'https' : 'http'}://${host}:${port}`,
    requests,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}
