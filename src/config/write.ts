/**
 * config.ini from what an installer asks (customer, collector, key, proxy, communities,
 * targets): the one generator behind `amr config write`, used by the MSI and the setup
 * alike. Values are encoded by the same `ini` package that reads them, and the text is
 * validated by parseConfig before anything is written, so a bad answer is one line, exit 2.
 */
import ini from 'ini';
import { parseConfig } from './load.js';

export interface InstallAnswers {
  customer: string;
  agentId?: string;
  urls: string[];
  agentKey?: string;
  dataDir?: string;
  allowHttp?: boolean;
  proxyUrl?: string;
  proxyUser?: string;
  proxyPassword?: string;
  communities?: string[];
  targets?: string[];
}

const HEADER = `; amr agent configuration, written by the installer (amr config write).
; Every key is described by "amr config sample" and in the README; edit as needed,
; then check with "amr config check".
`;

const clean = (list: string[] | undefined) => (list ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);

/** The config.ini text for these answers; throws the UserError parseConfig gives for a bad value. */
export function configText(a: InstallAnswers, file: string | null = null): string {
  const sections: Record<string, Record<string, string>> = {
    agent: { customer: a.customer.trim(), ...(a.agentId?.trim() ? { id: a.agentId.trim() } : {}), ...(a.dataDir ? { data_dir: a.dataDir } : {}) },
    server: {
      urls: clean(a.urls).join(', '),
      ...(a.agentKey ? { agent_key: a.agentKey } : {}),
      ...(a.allowHttp ? { allow_http: 'true' } : {}),
    },
  };
  if (a.proxyUrl) {
    sections.proxy = { url: a.proxyUrl.trim(), ...(a.proxyUser ? { user: a.proxyUser } : {}), ...(a.proxyPassword ? { password: a.proxyPassword } : {}) };
  }
  const communities = clean(a.communities);
  if (communities.length) sections.snmp = { communities: communities.join(', ') };
  const targets = clean(a.targets);
  if (targets.length) sections.discovery = { targets: targets.join(', ') };
  const text = HEADER + ini.stringify(sections, { whitespace: true });
  parseConfig(text, file ?? 'config.ini');
  return text;
}
