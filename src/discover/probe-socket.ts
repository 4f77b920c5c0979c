/**
 * The one UDP socket of a sweep: probes go out through `send`, and every datagram that
 * comes back is decoded once (src/snmp/ber.ts) and handed to the sweeper, which matches it
 * by request id AND source address. Garbled datagrams and replies nobody asked for are
 * counted and dropped. Identification after the sweep does not use this socket: it runs
 * over net-snmp sessions like a read (src/discover/responder.ts).
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { decodeMessage, type Message } from '../snmp/ber.js';

/** Probe request ids live at and above this value (4-octet BER integers). */
export const PROBE_ID_BASE = 0x01000000;

export interface Counters {
  /** Probe datagrams sent. */
  sent: number;
  received: number;
  garbled: number;
  unsolicited: number;
}

/** Returns false for a reply that is not the sweep's (counted as unsolicited). */
export type ProbeHandler = (msg: Message, requestId: number, rinfo: RemoteInfo) => boolean;

export class ProbeSocket {
  readonly counters: Counters = { sent: 0, received: 0, garbled: 0, unsolicited: 0 };
  private handler: ProbeHandler | null = null;
  private closed = false;

  private constructor(private readonly socket: Socket, readonly port: number) {
    socket.on('message', (raw, rinfo) => this.onMessage(raw, rinfo));
    socket.on('error', () => { /* ICMP errors on an unconnected socket: nothing to do */ });
  }

  static async open(port: number, bindAddress?: string): Promise<ProbeSocket> {
    const socket = createSocket({ type: 'udp4' });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, bindAddress, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    try {
      socket.setRecvBufferSize(4 << 20);
    } catch {
      /* the OS caps it; the default still works at modest rates */
    }
    return new ProbeSocket(socket, port);
  }

  onReply(handler: ProbeHandler): void {
    this.handler = handler;
  }

  send(buf: Buffer, ip: string, done?: () => void): void {
    this.counters.sent++;
    this.socket.send(buf, this.port, ip, done);
  }

  private onMessage(raw: Buffer, rinfo: RemoteInfo): void {
    this.counters.received++;
    let msg: Message;
    try {
      msg = decodeMessage(raw);
    } catch {
      this.counters.garbled++;
      return;
    }
    const id = msg.version === 3 ? msg.msgId : msg.pdu.requestId;
    if (rinfo.port !== this.port || id < PROBE_ID_BASE || !this.handler?.(msg, id, rinfo)) this.counters.unsolicited++;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
