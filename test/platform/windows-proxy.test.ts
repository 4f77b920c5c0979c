/** Windows proxy settings: registry values (as reg.exe prints them) parsed purely; bypass lists; WPAD names. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  encodeConnectionSettings, FLAG, parseConnectionSettings, parseRegQuery, proxyForScheme, readWindowsProxySettings,
  regBinary, regQueryWith, windowsBypassed, wpadHosts, KEYS,
} from '../../src/platform/windows-proxy.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'windows', name), 'utf8');

describe('registry values', () => {
  it('WinHttpSettings from reg query output: proxy and bypass list', () => {
    const v = parseRegQuery(fixture('reg-query-connections-winhttp.txt')).get('WinHttpSettings')!;
    expect(v.type).toBe('REG_BINARY');
    const s = parseConnectionSettings(regBinary(v.data))!;
    expect(s).toEqual({ flags: FLAG.direct | FLAG.proxy, proxy: '127.77.3.20:3128', bypass: '<local>;*.corp.example', autoConfigUrl: '' });
  });

  it('DefaultConnectionSettings (Internet Options): setup script URL and auto-detect flags', () => {
    const v = parseRegQuery(fixture('reg-query-user-connections-pac.txt')).get('DefaultConnectionSettings')!;
    const s = parseConnectionSettings(regBinary(v.data))!;
    expect(s.flags & FLAG.autoConfigUrl).toBeTruthy();
    expect(s.flags & FLAG.autoDetect).toBeTruthy();
    expect(s.flags & FLAG.proxy).toBe(0);
    expect(s.autoConfigUrl).toBe('http://127.77.3.30:8081/proxy.pac');
    expect(s.proxy).toBe('proxy.corp.example:8080');
  });

  it('the "direct" value Windows ships and truncated values', () => {
    // WinHttpSettings after `netsh winhttp reset proxy`: version 0x18, flags 1, no strings.
    expect(parseConnectionSettings(regBinary('1800000000000000010000000000000000000000'))).toEqual({ flags: 1, proxy: '', bypass: '', autoConfigUrl: '' });
    expect(parseConnectionSettings(Buffer.from('1800', 'hex'))).toBeNull();
    // A length running past the end yields no string rather than garbage.
    const bad = Buffer.concat([regBinary('280000000000000003000000ff000000'), Buffer.from('abc')]);
    expect(parseConnectionSettings(bad)!.proxy).toBe('');
  });

  it('encode and parse agree', () => {
    const s = { flags: 0x0b, proxy: 'http=a:1;https=b:2', bypass: '10.*', autoConfigUrl: '' };
    expect(parseConnectionSettings(encodeConnectionSettings(s))).toEqual(s);
  });

  it('reads the three keys through reg.exe by full path, from its output', async () => {
    const asked: string[][] = [];
    const outputs: Record<string, string> = {
      [KEYS.connections]: fixture('reg-query-connections-winhttp.txt'),
      [KEYS.userConnections]: fixture('reg-query-user-connections-pac.txt'),
      [KEYS.tcpip]: fixture('reg-query-tcpip.txt'),
    };
    const query = regQueryWith(async (argv) => {
      asked.push(argv);
      const out = outputs[argv[2]!];
      return out ? { code: 0, stdout: out } : { code: 1, stdout: '' };
    }, { SystemRoot: 'C:\\Windows' });
    const w = await readWindowsProxySettings(query);
    expect(asked.every((a) => a[0] === 'C:\\Windows\\System32\\reg.exe' && a[1] === 'query')).toBe(true);
    expect(w.winhttp?.proxy).toBe('127.77.3.20:3128');
    expect(w.internet?.where).toBe('account');
    expect(w.internet?.settings.autoConfigUrl).toBe('http://127.77.3.30:8081/proxy.pac');
    expect(w.domain).toBe('corp.example');
  });
});

describe('proxy strings and bypass lists', () => {
  it('one proxy for all, or per scheme (https falls back to the http entry)', () => {
    expect(proxyForScheme('p:8080', 'https')).toBe('p:8080');
    expect(proxyForScheme('http=h:1;https=s:2', 'https')).toBe('s:2');
    expect(proxyForScheme('http=h:1;ftp=f:3', 'https')).toBe('h:1');
    expect(proxyForScheme('', 'http')).toBeNull();
  });

  it('<local>, wildcards and addresses', () => {
    const list = '<local>;*.corp.example;10.*;collector.dealer.example';
    expect(windowsBypassed('printsrv', list)).toBe(true);
    expect(windowsBypassed('a.corp.example', list)).toBe(true);
    expect(windowsBypassed('10.1.2.3', list)).toBe(true);
    expect(windowsBypassed('Collector.Dealer.Example', list)).toBe(true);
    expect(windowsBypassed('s1.dealer.example', list)).toBe(false);
    expect(windowsBypassed('110.1.2.3', list)).toBe(false);
  });

  it('WPAD names devolve within the machine\'s domain, never to a top-level name', () => {
    expect(wpadHosts('eu.corp.example')).toEqual(['wpad.eu.corp.example', 'wpad.corp.example']);
    expect(wpadHosts('corp.example.')).toEqual(['wpad.corp.example']);
    expect(wpadHosts('example')).toEqual([]);
    expect(wpadHosts('')).toEqual([]);
  });
});
