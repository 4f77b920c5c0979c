/**
 * Is a host given to `amr read` an IPv4 address or a host name? Digits and dots that
 * are not a valid dotted quad (999.1.1.1, 10.1.1) are a typo, not a name: they are
 * refused before anything is sent, never handed to DNS (RFC 1123: a top-level label
 * is never all digits). Same address grammar as discovery targets.
 */
import { isIPv4 } from 'node:net';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

/** Why `host` is not an address or host name, or null when it is one. */
export function hostProblem(host: string): string | null {
  if (isIPv4(host)) return null;
  if (/^[\d.]+$/.test(host)) return `"${host}" is not a valid IPv4 address (four numbers 0-255, e.g. 192.168.1.20)`;
  const labels = host.replace(/\.$/, '').split('.');
  if (host.length > 253 || !labels.every((l) => LABEL.test(l)) || /^\d+$/.test(labels[labels.length - 1]!)) {
    return `"${host}" is neither an IPv4 address nor a host name`;
  }
  return null;
}
