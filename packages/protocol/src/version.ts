/** docs/protocol.md: the version both sides speak, and the message types and send reasons it knows. */
export const PROTOCOL_VERSION = 1;

export const MESSAGE_TYPES = ['readings', 'heartbeat', 'alert'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** Why a reading is being sent; the agent's scheduler decides. */
export const REASONS = ['new', 'moved', 'supply', 'alert', 'pages', 'heartbeat', 'missing'] as const;
export type Reason = (typeof REASONS)[number];
