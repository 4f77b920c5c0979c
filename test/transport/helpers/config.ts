/** Build a Config for tests from ini text, with a temp data folder. */
import { join } from 'node:path';
import { parseConfig } from '../../../src/config/load.js';
import type { Config } from '../../../src/config/types.js';
import { tempConfig, tempDir } from '../../helpers/tmp.js';

export const AGENT_ID = 'test-agent';
export const AGENT_KEY = 'k3y-for-tests-0123456789';

/** A data folder, removed after the test file. */
export function tempData(): string {
  return tempDir('amr-transport-');
}

export function iniText(sections: Record<string, Record<string, string | number | boolean>>, dataDir: string): string {
  const base: Record<string, Record<string, string | number | boolean>> = {
    agent: { customer: 'ACME-0001', id: AGENT_ID, data_dir: dataDir },
    server: { agent_key: AGENT_KEY, timeout: '3s', tcp_port: 0, udp_ports: '' },
    proxy: { url: 'none' },
  };
  for (const [s, kv] of Object.entries(sections)) base[s] = { ...(base[s] ?? {}), ...kv };
  return Object.entries(base).map(([s, kv]) => `[${s}]\n${Object.entries(kv).map(([k, v]) => `${k} = ${v}`).join('\n')}\n`).join('\n');
}

/** A data folder holding config.ini made from `sections` (data_dir = the folder), and its Config. */
export function configFile(sections: Record<string, Record<string, string | number | boolean>>): { data: string; file: string; text: string; config: Config } {
  const { dir, file, text } = tempConfig((dir) => iniText(sections, dir), 'amr-transport-');
  return { data: dir, file, text, config: parseConfig(text, file) };
}

export function makeConfig(sections: Record<string, Record<string, string | number | boolean>>, dataDir = tempData()): Config {
  return parseConfig(iniText(sections, dataDir), join(dataDir, 'config.ini'));
}
