/**
 * Real proxies from Debian on loopback, with basic authentication: squid (answers
 * 407 to bad credentials) and tinyproxy (answers 401). A missing binary fails the
 * test with the package to install; CI installs squid, tinyproxy and apache2-utils.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { tempDir } from '../../helpers/tmp.js';

export interface RunningProxy { url: string; host: string; port: number; stop(): Promise<void>; log(): string }

export function need(binary: string, pkg: string): string {
  for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin']) {
    if (existsSync(join(dir, binary))) return join(dir, binary);
  }
  throw new Error(`${binary} is not installed: apt-get install ${pkg} (CI installs it in .ci/run)`);
}

export async function waitPort(host: string, port: number, child: ChildProcess, log: () => string, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`proxy exited with ${child.exitCode}: ${log().slice(-800)}`);
    const ok = await new Promise<boolean>((r) => {
      const s = createConnection({ host, port }, () => { s.destroy(); r(true); });
      s.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`proxy did not listen on ${host}:${port} within ${ms} ms: ${log().slice(-800)}`);
}

export function stopper(child: ChildProcess): () => Promise<void> {
  return () => new Promise<void>((r) => {
    if (child.exitCode !== null) { r(); return; }
    const t = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => { clearTimeout(t); r(); });
    child.kill('SIGTERM');
  });
}

export function proxyDir(): string {
  const dir = tempDir('amr-proxy-');
  chmodSync(dir, 0o777); // squid and tinyproxy drop privileges to proxy/nobody and write logs here
  return dir;
}

/**
 * squid in the foreground on host:port with its files in `dir`, requiring the
 * authentication scheme `auth` configures; `accessLog` keeps an access log there.
 */
export async function runSquid(squid: string, dir: string, host: string, port: number, auth: string[], accessLog = false): Promise<RunningProxy> {
  writeFileSync(join(dir, 'squid.conf'), [
    `http_port ${host}:${port}`,
    `pid_filename ${dir}/squid.pid`,
    `cache_log ${dir}/cache.log`,
    accessLog ? `access_log stdio:${dir}/access.log squid` : 'access_log none',
    'cache deny all',
    'pinger_enable off',
    'shutdown_lifetime 0 seconds',
    'visible_hostname amr-test',
    'dns_nameservers 127.0.0.1', // keep any lookup on loopback (tests only use addresses)
    `coredump_dir ${dir}`,
    ...auth,
    'acl authed proxy_auth REQUIRED',
    'http_access allow authed',
    'http_access deny all',
    '',
  ].join('\n'));
  const child = spawn(squid, ['-N', '-f', join(dir, 'squid.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c) => { err += String(c); });
  const log = () => err + (existsSync(join(dir, 'cache.log')) ? readFileSync(join(dir, 'cache.log'), 'utf8') : '');
  await waitPort(host, port, child, log);
  return { url: `http://${host}:${port}`, host, port, stop: stopper(child), log };
}

export async function startSquid(host: string, port: number, user: string, password: string): Promise<RunningProxy> {
  const squid = need('squid', 'squid');
  const htpasswd = need('htpasswd', 'apache2-utils');
  const dir = proxyDir();
  execFileSync(htpasswd, ['-bc', join(dir, 'passwd'), user, password], { stdio: 'ignore' });
  chmodSync(join(dir, 'passwd'), 0o644);
  return runSquid(squid, dir, host, port, [
    `auth_param basic program /usr/lib/squid/basic_ncsa_auth ${dir}/passwd`,
    'auth_param basic realm amr-test',
  ]);
}

export async function startTinyproxy(host: string, port: number, user: string, password: string): Promise<RunningProxy> {
  const tinyproxy = need('tinyproxy', 'tinyproxy-bin');
  const dir = proxyDir();
  writeFileSync(join(dir, 'tinyproxy.conf'), [
    'User nobody',
    'Group nogroup',
    `Port ${port}`,
    `Listen ${host}`,
    'Timeout 30',
    `BasicAuth ${user} ${password}`,
    'LogLevel Info',
    'MaxClients 20',
    '',
  ].join('\n'));
  const child = spawn(tinyproxy, ['-d', '-c', join(dir, 'tinyproxy.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => { out += String(c); });
  child.stderr!.on('data', (c) => { out += String(c); });
  await waitPort(host, port, child, () => out);
  return { url: `http://${host}:${port}`, host, port, stop: stopper(child), log: () => out };
}
