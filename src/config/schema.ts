/**
 * Every config.ini key, as data: its type, default and what it means. The loader
 * validates against this table, `amr config show` prints from it, and the README
 * and the sample config.ini document the same keys. Add a key here, nowhere else.
 */
export type KeyType =
  | 'string'   // free text
  | 'secret'   // free text never shown in output or logs
  | 'int'
  | 'bool'     // true/false, yes/no, on/off, 1/0
  | 'duration' // 1500ms, 2s, 5m, 4h, 7d; a bare number is seconds
  | 'enum'
  | 'list'     // comma-separated words
  | 'int-list'
  | 'secret-list'
  | 'url'
  | 'url-list'
  | 'targets'  // comma-separated CIDRs, ranges, addresses or host names
  | 'path';

export interface KeySpec {
  type: KeyType;
  /** As it would be written in config.ini; undefined means "no default" (null in Config). */
  default?: string;
  required?: boolean;
  values?: readonly string[];
  /** int: the range; duration: the range in milliseconds. */
  min?: number;
  max?: number;
  doc: string;
}

export type SectionSpec = Record<string, KeySpec>;

const AUTH = ['none', 'md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
const PRIV = ['none', 'des', 'aes', 'aes256', 'aes256c'] as const;
const PRIVACY = ['send', 'mask', 'omit'] as const;

export const SCHEMA = {
  agent: {
    customer: { type: 'string', required: true, doc: 'Customer code the dealer gave this site; travels with every message.' },
    id: { type: 'string', doc: 'Agent id, unique per installation. Default: derived from the host name.' },
    data_dir: { type: 'path', doc: 'Folder for inventory, spool, journal and state. Default: C:\\DriverPrinter on Windows, /var/lib/amr (root) or ~/.local/share/amr on Linux, ~/Library/Application Support/amr on macOS.' },
    log_level: { type: 'enum', default: 'info', values: ['error', 'warn', 'info', 'debug'], doc: 'How much the agent writes to its log.' },
  },
  server: {
    urls: { type: 'url-list', doc: 'Collector URLs tried in order (failover), e.g. https://s1.example.net/amr, https://s2.example.net/amr.' },
    agent_key: { type: 'secret', doc: 'Agent key from the dealer (amr-collector enroll); signs every message. Never shown.' },
    ca_file: { type: 'path', doc: 'Extra CA certificate (PEM) to trust for the collector. Certificates are always verified.' },
    allow_http: { type: 'bool', default: 'false', doc: 'Allow plain http:// server URLs (port 80). Off unless the dealer says so.' },
    timeout: { type: 'duration', default: '20s', doc: 'Time limit for one delivery attempt.' },
    tcp_port: { type: 'int', default: '5010', min: 0, max: 65535, doc: 'Auxiliary TCP channel port on the servers (0 turns it off).' },
    udp_ports: { type: 'int-list', default: '1010, 1202', doc: 'Emergency UDP channel ports on the servers, tried in order (empty turns it off).' },
  },
  proxy: {
    url: { type: 'string', default: 'system', doc: 'Proxy for the collector: http://host:port, "none", or "system": [proxy] pac, then on Windows the WinHTTP setting and Internet Options (PAC URL, WPAD, proxy), then HTTPS_PROXY/HTTP_PROXY/NO_PROXY.' },
    pac: { type: 'string', doc: 'PAC file (http(s):// URL or local path) that picks the proxy when url = system, e.g. http://wpad.corp.example/proxy.pac.' },
    user: { type: 'string', doc: 'Proxy user name (basic authentication; for NTLM point url at a local cntlm relay).' },
    password: { type: 'secret', doc: 'Proxy password. Never shown.' },
  },
  snmp: {
    version: { type: 'enum', default: 'auto', values: ['auto', '1', '2c', '3'], doc: 'SNMP version to use; auto tries SNMPv3 users, then v2c, then v1 with each community.' },
    communities: { type: 'secret-list', default: 'public', doc: 'Communities to try, in order. Never shown.' },
    port: { type: 'int', default: '161', min: 1, max: 65535, doc: 'UDP port of the printers\' SNMP agents.' },
    timeout: { type: 'duration', default: '2s', doc: 'Time to wait for one SNMP reply.' },
    retries: { type: 'int', default: '1', min: 0, max: 10, doc: 'Retries after a timeout.' },
    max_repetitions: { type: 'int', default: '25', min: 1, max: 200, doc: 'GETBULK max-repetitions (lowered automatically for agents that choke).' },
    concurrency: { type: 'int', default: '16', min: 1, max: 1024, doc: 'Devices read at the same time.' },
  },
  discovery: {
    targets: { type: 'targets', doc: 'What to sweep: CIDRs (10.1.0.0/16), ranges (192.168.1.10-192.168.1.50, 192.168.1-3.1-254), addresses, host names. Empty: the PC\'s own subnets.' },
    exclude: { type: 'targets', doc: 'Addresses never to probe, same forms as targets.' },
    rate: { type: 'int', default: '500', min: 0, max: 1_000_000, doc: 'Probe packets per second; 0 means unthrottled.' },
    timeout: { type: 'duration', default: '1500ms', doc: 'Time to wait for replies to a probe.' },
    retries: { type: 'int', default: '1', min: 0, max: 5, doc: 'Retries for addresses that did not answer.' },
    max_prefix: { type: 'int', default: '22', min: 8, max: 32, doc: 'Own subnets larger than this prefix are capped to it when no targets are set.' },
    interval: { type: 'duration', default: '24h', doc: 'How often amr run rediscovers; between, it reads the known inventory.' },
  },
  schedule: {
    every: { type: 'duration', default: '4h', min: 60_000, max: 31 * 86_400_000, doc: 'How often the scheduled task runs amr run (1m to 31d: what every task scheduler can do).' },
    time_budget: { type: 'duration', default: '15m', doc: 'A run stops cleanly when this is spent; unread devices are read next time.' },
    supply_delta: { type: 'int', default: '5', min: 1, max: 100, doc: 'Send when a supply level moved by this many points.' },
    page_delta: { type: 'int', default: '500', min: 1, doc: 'Send when a device printed this many pages since the last message.' },
    heartbeat: { type: 'duration', default: '24h', doc: 'Otherwise send one message with counters per device this often.' },
    missing_after: { type: 'duration', default: '24h', doc: 'A known device unreadable this long is reported missing (once); 0 reports it at the first failed run.' },
    run_as: { type: 'string', default: 'NETWORK SERVICE', doc: 'Windows account the scheduled task runs as (NETWORK SERVICE, SYSTEM, or a user, whose password schtasks asks for).' },
  },
  spool: {
    max_mb: { type: 'int', default: '50', min: 1, doc: 'Spool size limit; heartbeats give way before billing readings.' },
    max_age: { type: 'duration', default: '60d', doc: 'Messages older than this are dropped from the spool (logged).' },
  },
  privacy: {
    ip: { type: 'enum', default: 'send', values: PRIVACY, doc: 'Printer IP addresses in messages: send, mask (hashed) or omit.' },
    mac: { type: 'enum', default: 'send', values: PRIVACY, doc: 'Printer MAC addresses in messages: send, mask or omit.' },
    hostname: { type: 'enum', default: 'send', values: PRIVACY, doc: 'Printer host names and locations in messages: send, mask or omit.' },
  },
  web: {
    enabled: { type: 'bool', default: 'true', doc: 'Read printers\' own web pages where a vendor profile says they add data.' },
    timeout: { type: 'duration', default: '5s', doc: 'Time limit for one web page.' },
    max_kb: { type: 'int', default: '2048', min: 16, doc: 'Largest web page read.' },
    user: { type: 'string', doc: 'User name for printers\' web pages, if they ask.' },
    password: { type: 'secret', doc: 'Password for printers\' web pages. Never shown.' },
  },
} as const satisfies Record<string, SectionSpec>;

/** Sections that may repeat under a name: [snmpv3.NAME] and [device.ADDRESS]. */
export const NAMED_SCHEMA = {
  snmpv3: {
    user: { type: 'string', required: true, doc: 'SNMPv3 user name.' },
    auth_protocol: { type: 'enum', default: 'sha', values: AUTH, doc: 'Authentication protocol.' },
    auth_key: { type: 'secret', doc: 'Authentication pass phrase (8 characters or more). Never shown.' },
    priv_protocol: { type: 'enum', default: 'none', values: PRIV, doc: 'Privacy (encryption) protocol: aes is AES-128 (RFC 3826), aes256 AES-256 with Blumenthal key extension, aes256c AES-256 with Reeder (Cisco) key extension; des only for old devices.' },
    priv_key: { type: 'secret', doc: 'Privacy pass phrase (8 characters or more). Never shown.' },
    context: { type: 'string', default: '', doc: 'Context name, if the device needs one.' },
  },
  device: {
    community: { type: 'secret', doc: 'Community for this device only. Never shown.' },
    snmpv3: { type: 'string', doc: 'Name of the [snmpv3.NAME] section to use for this device.' },
    web: { type: 'bool', doc: 'Read this device\'s web pages (overrides [web] enabled).' },
    ignore: { type: 'bool', default: 'false', doc: 'Never read or report this device.' },
  },
} as const satisfies Record<string, SectionSpec>;
