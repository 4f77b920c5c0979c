/**
 * docs/protocol.md, "Limits": the numbers both sides agree on. The collector refuses
 * a message that exceeds one; the agent keeps every reading within them before
 * sending, so one odd device never poisons a batch.
 */
export const MAX_COMPRESSED = 256 * 1024;
export const MAX_INFLATED = 4 * 1024 * 1024;
export const MAX_SKEW_SECONDS = 300;
/** Largest UDP datagram on the emergency channel, header included. */
export const UDP_MAX_BYTES = 1200;
/** Largest TCP frame on the auxiliary channel. */
export const TCP_MAX_FRAME = 65_536;

export const LIMITS = {
  compressedBytes: MAX_COMPRESSED,
  inflatedBytes: MAX_INFLATED,
  skewSeconds: MAX_SKEW_SECONDS,
  /** A reading or message time further ahead than this is refused. */
  futureSeconds: 86_400,
  udpPacketBytes: UDP_MAX_BYTES,
  tcpFrameBytes: TCP_MAX_FRAME,
  /** Readings in one message (the agent sends at most AGENT_READINGS_PER_MESSAGE). */
  readings: 10_000,
  /** Longest text of each message field, in characters. */
  message: { type: 32, messageId: 128, agentId: 128, customer: 128, agentVersion: 64, createdAt: 64 },
  reading: { readAt: 64, error: 1024, reason: 32 },
  identity: {
    serial: 128, mac: 64, vendor: 128, model: 256, firmware: 256,
    ip: 64, hostname: 256, location: 256, sysObjectID: 256,
  },
  status: { device: 32, printer: 32 },
  /** Entries in status.errors, supplies[], alerts[]. */
  statusErrors: 64,
  supplies: 256,
  alerts: 256,
  supply: { description: 1024, type: 64, class: 32, color: 64, state: 32 },
  alert: { severity: 64, codeName: 128, description: 1024 },
  /** Counter names (standard keys and vendor names) and units. */
  counterName: 64,
  counterUnit: 32,
} as const;

/** What the agent puts in one `readings` or `heartbeat` message; far below the 256 KiB body limit. */
export const AGENT_READINGS_PER_MESSAGE = 200;

/** Counter names: printable text, 1-64 characters (vendor counters keep their vendor names). */
export const COUNTER_NAME = /^[^\u0000-\u001f\u007f]{1,64}$/;
/** Message ids and agent ids. */
export const ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
