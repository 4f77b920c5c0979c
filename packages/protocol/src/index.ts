/**
 * @amr/protocol: what the agent and the collector agree on (docs/protocol.md, checked
 * against this package by test/protocol/doc.test.ts). No dependencies, no native code.
 */
export { PROTOCOL_VERSION, MESSAGE_TYPES, REASONS, type MessageType, type Reason } from './version.js';
export {
  LIMITS, AGENT_READINGS_PER_MESSAGE, COUNTER_NAME, ID,
  MAX_COMPRESSED, MAX_INFLATED, MAX_SKEW_SECONDS, UDP_MAX_BYTES, TCP_MAX_FRAME,
} from './limits.js';
export {
  buildMessage, checkMessage, MESSAGE_FIELDS, READING_FIELDS, IDENTITY_FIELDS, SUPPLY_FIELDS, ALERT_FIELDS,
  type AgentStatus, type Message, type MessageHeader, type WireReading, type WireIdentity, type WireCounter, type WireSupply, type WireAlert, type WireFlag,
} from './message.js';
export { parseMessage, SchemaError, type ReceivedMessage, type ReceivedReading, type ReceivedSupply, type ReceivedAlert } from './parse.js';
export { signature, signatureMatches, ackSignature, errSignature } from './sign.js';
export { encodeBody, httpHeaders } from './body.js';
export {
  auxHeader, auxOverhead, encodeAuxPacket, decodeAuxPacket, encodeAck, encodeErr, decodeAuxReply, frame,
  type AuxPacket, type AuxReply,
} from './aux.js';
export { REFUSAL_CODES, type RefusalCode } from './refusals.js';
