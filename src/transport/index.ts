/** What the rest of amr uses from the transport: spool, deliver, journal. */
export { spoolMessage, flushSpool, sendReadings, buildMessages, openTransport, type FlushSummary, type FlushOptions } from './deliver.js';
export type { Message, MessageType, Reason, WireReading } from '@amr/protocol';
export type { Outgoing } from './wire.js';
export { readJournal, journalDir, type JournalEntry } from './journal.js';
