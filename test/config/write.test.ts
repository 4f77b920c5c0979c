/** `amr config write`: the one config.ini generator both Windows installers call. */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { configText } from '../../src/config/write.js';
import { amr } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const work = tempDir('amr-config-write-');

describe('config write', () => {
  it('round-trips every answer, secrets with ini metacharacters included', () => {
    const text = configText({
      customer: ' ACME-0001 ', urls: ['https://s1.example.net/amr, https://s2.example.net/amr'], agentKey: 'k#e;y=1',
      proxyUrl: 'http://proxy.example.net:8080', proxyUser: 'CONTOSO\\svc', proxyPassword: 'p;#"x\\y',
      communities: ['public', 'priv;ate'], targets: ['192.168.1.0/24', '10.0.0.5-10.0.0.9'], dataDir: 'D:\\amr data',
    });
    const c = parseConfig(text, 'config.ini');
    expect(c.agent.customer).toBe('ACME-0001');
    expect(c.agent.data_dir).toBe('D:\\amr data');
    expect(c.server.urls).toEqual(['https://s1.example.net/amr', 'https://s2.example.net/amr']);
    expect(c.server.agent_key).toBe('k#e;y=1');
    expect(c.proxy).toMatchObject({ url: 'http://proxy.example.net:8080', user: 'CONTOSO\\svc', password: 'p;#"x\\y' });
    expect(c.snmp.communities).toEqual(['public', 'priv;ate']);
    expect(c.discovery.targets).toEqual(['192.168.1.0/24', '10.0.0.5-10.0.0.9']);
  });

  it('writes a file only its owner can read, and refuses a bad answer in one line with exit 2', async () => {
    const out = join(work, 'sub', 'config.ini');
    const ok = await amr(['config', 'write', '--customer', 'ACME-1', '--url', 'https://s1.example.net/amr', '--agent-key', 'secret-key-1', '-o', out]);
    expect(ok.code).toBe(0);
    expect(ok.stdout + ok.stderr).not.toContain('secret-key-1');
    expect(readFileSync(out, 'utf8')).toContain('agent_key = secret-key-1');
    expect(statSync(out).mode & 0o077).toBe(0);
    const check = await amr(['config', 'check', '-c', out]);
    expect(check.code).toBe(0);

    const bad = await amr(['config', 'write', '--customer', 'ACME-1', '--url', 'ftp://x', '--agent-key', 'k', '--check']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/urls.*https/);
    const noKey = await amr(['config', 'write', '--customer', 'ACME-1', '--url', 'https://s1.example.net/amr', '--check']);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/agent-key/);
    const good = await amr(['config', 'write', '--customer', 'ACME-1', '--url', 'https://s1.example.net/amr', '--agent-key', 'k', '--check']);
    expect(good).toMatchObject({ code: 0, stdout: 'OK\n' });
  });
});
