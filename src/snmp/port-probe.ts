/**
 * Telling "nothing listens there" from "no answer". An SNMP agent that gets a request
 * with the wrong community stays silent, exactly like a switched-off printer; but a host
 * with nothing on the port answers with ICMP port unreachable, and a router with ICMP host
 * or network unreachable. Only a connected UDP socket is told of these, so one empty
 * datagram is sent from one (an SNMP agent discards it unread: no community is sent, no
 * authentication-failure trap is caused).
 */
import { createSocket } from 'node:dgram';

export type PortVerdict = 'refused' | 'hostUnreachable' | 'netUnreachable' | 'silent';

/** Send one empty datagram to ip:port and wait up to `waitMs` for an ICMP verdict. */
export function probePort(ip: string, port: number, waitMs: number, signal?: AbortSignal): Promise<PortVerdict> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    let settled = false;
    const done = (v: PortVerdict) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
      try { socket.close(); } catch { /* closed */ }
      resolve(v);
    };
    const verdict = (e: NodeJS.ErrnoException) => done(
      e.code === 'ECONNREFUSED' ? 'refused' : e.code === 'EHOSTUNREACH' ? 'hostUnreachable' : e.code === 'ENETUNREACH' ? 'netUnreachable' : 'silent');
    const abort = () => done('silent');
    const timer = setTimeout(() => done('silent'), waitMs);
    signal?.addEventListener('abort', abort);
    socket.on('error', verdict);
    socket.on('message', () => { /* an answer to an empty datagram: something listens */ });
    socket.connect(port, ip, () => {
      socket.send(Buffer.alloc(0), (e) => { if (e) verdict(e); });
    });
  });
}

/** What a verdict tells a technician, or null when it tells nothing. */
export function verdictMessage(v: PortVerdict, ip: string, port: number): string | null {
  switch (v) {
    case 'refused': return `nothing listening on UDP port ${port} at ${ip} (port unreachable): SNMP is off on the device, or the port is wrong ([snmp] port / --port)`;
    case 'hostUnreachable': return `host ${ip} is unreachable (no route or no answer to ARP): the device is off or the address is wrong`;
    case 'netUnreachable': return `network of ${ip} is unreachable from this PC: check the address and this PC's routes`;
    default: return null;
  }
}
