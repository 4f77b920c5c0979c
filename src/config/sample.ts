/** The documented sample config.ini, generated from the schema so the two never drift. */
import { NAMED_SCHEMA, SCHEMA, type SectionSpec } from './schema.js';

const HEADER = `; amr agent configuration.
; Lines starting with ";" are comments. A key left out takes the default shown.
; Durations: 1500ms, 2s, 5m, 4h, 7d (a bare number is seconds). Lists: comma-separated.
; Secrets (communities, keys, passwords) are never shown by amr, in output or logs.
`;

const EXAMPLES: Record<string, string> = {
  'agent.customer': 'ACME-0001',
  'server.urls': 'https://s1.example.net/amr, https://s2.example.net/amr',
  'discovery.targets': '192.168.1.0/24, 10.10.0.10-10.10.0.50',
};

function block(name: string, spec: SectionSpec, comment?: string): string {
  const lines = comment ? [`; ${comment}`, `[${name}]`] : [`[${name}]`];
  for (const [key, k] of Object.entries(spec)) {
    const allowed = k.type === 'enum' ? ` One of: ${k.values!.join(', ')}.` : '';
    const def = k.default !== undefined ? ` Default: ${k.default === '' ? '(empty)' : k.default}.` : k.required ? ' Required.' : '';
    lines.push(`; ${k.doc}${allowed}${def}`);
    const example = EXAMPLES[`${name}.${key}`];
    if (example !== undefined) lines.push(`${key} = ${example}`);
    else lines.push(`;${key} = ${k.default ?? ''}`);
  }
  return lines.join('\n');
}

export function sampleConfig(): string {
  const parts = [HEADER.trimEnd()];
  for (const [name, spec] of Object.entries(SCHEMA)) parts.push(block(name, spec));
  parts.push(block('snmpv3.office', NAMED_SCHEMA.snmpv3,
    'SNMPv3 users, one [snmpv3.NAME] section each, tried in file order. Uncomment to use.').split('\n')
    .map((l) => (l.startsWith('[') ? `;${l}` : l)).join('\n'));
  parts.push(block('device.192.168.1.20', NAMED_SCHEMA.device,
    'Per-device settings, one [device.ADDRESS] section each. Uncomment to use.').split('\n')
    .map((l) => (l.startsWith('[') ? `;${l}` : l)).join('\n'));
  return parts.join('\n\n') + '\n';
}
