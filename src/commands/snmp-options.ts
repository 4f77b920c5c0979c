/**
 * The SNMP options shared by commands that talk to devices (read, record, discover):
 * declared once, merged over config.ini once.
 */
import type { Command } from 'commander';
import { parseDuration } from '../config/duration.js';
import { loadConfig } from '../config/load.js';
import { credentialsFor, type AuthProtocol, type Credential, type PrivProtocol } from '../snmp/credentials.js';
import { readSettingsFrom, type ReadSettings } from '../pipeline/options.js';
import { UserError } from '../errors.js';

export interface SnmpCliOptions {
  config?: string;
  port?: string;
  community?: string[];
  snmpVersion?: string;
  v3User?: string;
  authProtocol?: string;
  authKey?: string;
  privProtocol?: string;
  privKey?: string;
  context?: string;
  timeout?: string;
  retries?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function addSnmpOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'config.ini to use (default: $AMR_CONFIG, then the data folder)')
    .option('-p, --port <port>', 'SNMP UDP port (default: [snmp] port, 161)')
    .option('--community <community>', 'SNMP community to try (repeat for several; default: [snmp] communities)', collect)
    .option('--snmp-version <version>', 'SNMP version: 1, 2c or 3 (default: [snmp] version, auto)')
    .option('--v3-user <name>', 'SNMPv3 user name')
    .option('--auth-protocol <protocol>', 'SNMPv3 authentication: md5, sha, sha224, sha256, sha384, sha512', 'sha')
    .option('--auth-key <passphrase>', 'SNMPv3 authentication pass phrase (prefer config.ini: command lines are visible to other users)')
    .option('--priv-protocol <protocol>', 'SNMPv3 privacy: none, des, aes, aes256, aes256c')
    .option('--priv-key <passphrase>', 'SNMPv3 privacy pass phrase')
    .option('--context <name>', 'SNMPv3 context name', '')
    .option('--timeout <duration>', 'time to wait for each reply, e.g. 2s or 1500ms (default: [snmp] timeout)')
    .option('--retries <n>', 'retries after a timeout (default: [snmp] retries)');
}

export function snmpSettings(opts: SnmpCliOptions): ReadSettings {
  const config = loadConfig(opts.config);
  const port = opts.port !== undefined ? intOption('--port', opts.port, 1, 65535) : config.snmp.port;
  const timeoutMs = opts.timeout !== undefined ? durationOption('--timeout', opts.timeout) : config.snmp.timeout;
  const retries = opts.retries !== undefined ? intOption('--retries', opts.retries, 0, 10) : config.snmp.retries;
  const version = opts.snmpVersion;
  if (version !== undefined && !['1', '2c', '3'].includes(version)) {
    throw new UserError(`--snmp-version "${version}" is not valid: use 1, 2c or 3`);
  }
  const explicit = explicitCredentials(opts, version);
  const filtered = (host: string) => credentialsFor(config, host).filter((c) => !version || c.version === version);
  return readSettingsFrom(config, {
    session: { port, timeoutMs, retries, maxRepetitions: config.snmp.max_repetitions },
    credentials: (host) => explicit ?? filtered(host),
  });
}

function explicitCredentials(opts: SnmpCliOptions, version: string | undefined): Credential[] | null {
  if (opts.v3User || version === '3') {
    if (!opts.v3User) throw new UserError('--snmp-version 3 needs --v3-user (or use [snmpv3.NAME] in config.ini without --snmp-version)');
    const auth = (opts.authKey ? opts.authProtocol ?? 'sha' : 'none') as AuthProtocol;
    const priv = (opts.privKey ? opts.privProtocol ?? 'aes' : 'none') as PrivProtocol;
    if (!['none', 'md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'].includes(auth)) {
      throw new UserError(`--auth-protocol "${auth}" is not valid: use md5, sha, sha224, sha256, sha384 or sha512`);
    }
    if (!['none', 'des', 'aes', 'aes256', 'aes256c'].includes(priv)) {
      throw new UserError(`--priv-protocol "${priv}" is not valid: use des, aes, aes256 or aes256c`);
    }
    if (opts.authKey && opts.authKey.length < 8) throw new UserError('--auth-key must be at least 8 characters');
    if (opts.privKey && !opts.authKey) throw new UserError('--priv-key needs --auth-key too (SNMPv3 has no privacy without authentication)');
    if (opts.privKey && opts.privKey.length < 8) throw new UserError('--priv-key must be at least 8 characters');
    return [{
      version: '3', label: `v3 user "${opts.v3User}"`,
      user: { name: opts.v3User, authProtocol: auth, authKey: opts.authKey ?? '', privProtocol: priv, privKey: opts.privKey ?? '', context: opts.context ?? '' },
    }];
  }
  if (opts.community?.length) {
    const versions: Array<'1' | '2c'> = version === '1' ? ['1'] : version === '2c' ? ['2c'] : ['2c', '1'];
    return versions.flatMap((v) => opts.community!.map((community, i): Credential => ({ version: v, community, label: `v${v} community #${i + 1} (command line)` })));
  }
  return null;
}

export function intOption(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UserError(`${name} "${value}" is not valid: expected a whole number from ${min} to ${max}`);
  }
  return Number(value);
}

export function durationOption(name: string, value: string): number {
  const ms = parseDuration(value);
  if (ms === null || ms <= 0) throw new UserError(`${name} "${value}" is not valid: expected a duration such as 2s or 1500ms`);
  return ms;
}
