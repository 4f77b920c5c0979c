/**
 * An NTLM-only corporate proxy on loopback (squid with its ntlm_fake_auth helper,
 * which accepts any NTLM credentials) and the cntlm relay in front of it, set up
 * as the README's "NTLM proxies" section tells a customer to. A missing binary
 * fails the test with the package to install; CI installs squid and cntlm.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { need, proxyDir, runSquid, stopper, waitPort, type RunningProxy } from './proxies.js';

export interface NtlmSquid extends RunningProxy { accessLog(): string }

const NTLM_FAKE_AUTH = '/usr/lib/squid/ntlm_fake_auth';

export async function startNtlmSquid(host: string, port: number): Promise<NtlmSquid> {
  const squid = need('squid', 'squid');
  if (!existsSync(NTLM_FAKE_AUTH)) throw new Error(`${NTLM_FAKE_AUTH} is missing: apt-get install squid (Debian's squid ships it)`);
  const dir = proxyDir();
  // NTLM only: no basic scheme, so a client without NTLM gets nowhere.
  const proxy = await runSquid(squid, dir, host, port, [`auth_param ntlm program ${NTLM_FAKE_AUTH}`, 'auth_param ntlm children 2'], true);
  const accessLog = join(dir, 'access.log');
  return { ...proxy, accessLog: () => (existsSync(accessLog) ? readFileSync(accessLog, 'utf8') : '') };
}

export interface NtlmAccount { user: string; domain: string; password: string }

/** cntlm in the foreground with hashes from `cntlm -H` (as the README says), relaying everything to `upstream`. */
export async function startCntlm(host: string, port: number, upstream: RunningProxy, account: NtlmAccount): Promise<RunningProxy & { config: string }> {
  const cntlm = need('cntlm', 'cntlm');
  const dir = proxyDir();
  const hashes = execFileSync(cntlm, ['-H', '-u', account.user, '-d', account.domain, '-p', account.password], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const hash = (name: string) => {
    const m = new RegExp(`^${name}\\s+([0-9A-F]{32})`, 'm').exec(hashes);
    if (!m) throw new Error(`cntlm -H printed no ${name}: ${hashes}`);
    return m[1]!;
  };
  const config = [
    `Username ${account.user}`,
    `Domain ${account.domain}`,
    `PassLM ${hash('PassLM')}`,
    `PassNT ${hash('PassNT')}`,
    // squid's ntlm_fake_auth sends no target info block, which NTLMv2 needs; a real
    // corporate proxy would take `Auth NTLMv2` + `PassNTLMv2` the same way.
    'Auth NTLM',
    `Proxy ${upstream.host}:${upstream.port}`,
    `Listen ${host}:${port}`,
    // no NoProxy: every request, loopback included, goes through the corporate proxy
    '',
  ].join('\n');
  writeFileSync(join(dir, 'cntlm.conf'), config);
  const child = spawn(cntlm, ['-f', '-c', join(dir, 'cntlm.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => { out += String(c); });
  child.stderr!.on('data', (c) => { out += String(c); });
  await waitPort(host, port, child, () => out);
  return { url: `http://${host}:${port}`, host, port, stop: stopper(child), log: () => out, config };
}
