/**
 * Syntax check for one discovery target token, shared by config validation and
 * the discovery target parser: CIDR, dashed range, octet ranges, address, host name.
 */
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const OCTET_RANGE = `${OCTET}(?:-${OCTET})?`;
const IP = `${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}`;
const PATTERNS = [
  new RegExp(`^${IP}/(?:3[0-2]|[12]?\\d)$`),                                  // 10.1.0.0/16
  new RegExp(`^${IP}-${IP}$`),                                               // 192.168.1.10-192.168.1.50
  new RegExp(`^${OCTET_RANGE}\\.${OCTET_RANGE}\\.${OCTET_RANGE}\\.${OCTET_RANGE}$`), // 192.168.1-3.1-254, 10.0.0.5
  /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(?:\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/i,    // host name
];

export function isValidTargetToken(token: string): boolean {
  const t = token.trim();
  if (/^[\d.\-/]+$/.test(t)) return PATTERNS.slice(0, 3).some((p) => p.test(t));
  return PATTERNS[3]!.test(t);
}
