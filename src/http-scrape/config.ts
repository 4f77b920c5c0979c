/** config.ini [web] and [device.X] web -> ScrapeOptions for one device. */
import type { Config } from '../config/types.js';
import type { ScrapeOptions } from './types.js';

export function webOptionsFor(config: Config, host: string): ScrapeOptions {
  const dev = config.device[host];
  return {
    enabled: config.web.enabled,
    deviceWeb: dev?.web ?? null,
    timeoutMs: config.web.timeout,
    maxBytes: config.web.max_kb * 1024,
    user: config.web.user,
    password: config.web.password,
    dataDir: config.agent.data_dir ?? null,
  };
}
