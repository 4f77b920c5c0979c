/**
 * From request datagram to reply datagram for one simulated device: community check
 * for v1/v2c, the USM checks and Reports for v3 (RFC 3414 3.2), then the PDU rules.
 * Pure apart from the device's counters; null means "send nothing".
 */
import {
  FLAG_REPORTABLE, SECURITY_MODEL_USM, decodeMessage, encodeCommunityMessage, encodePdu,
  type BasicPdu, type Pdu, type ScopedPdu, type V3Message,
} from '../snmp/ber.js';
import {
  USM_STATS_OIDS, UsmError, flagsLevel, openMessage, sealMessage, type LocalizedUser, type SecurityLevel, type UsmReason,
} from '../snmp/usm.js';
import type { SimDevice } from './device.js';
import { answerPdu, fitAnswer } from './pdu.js';

/** RFC 3414 3.2 step 7: messages more than 150 s away from the engine's clock are refused. */
const TIME_WINDOW = 150;

export function respond(dev: SimDevice, raw: Buffer): Buffer | null {
  let msg;
  try {
    msg = decodeMessage(raw);
  } catch {
    return null; // snmpInASNParseErrs: agents drop what they cannot parse
  }
  if (msg.version === 3) return respondV3(dev, raw, msg);
  const community = Buffer.isBuffer(msg.community) ? msg.community.toString('latin1') : Buffer.from(msg.community, 'utf8').toString('latin1');
  if (!dev.communities.has(community)) return null; // like real agents: silence, not an error
  const dialect = msg.version === 0 ? 'v1' : 'v2';
  const answer = answerPdu(dev, msg.pdu, dialect, dev.maxMessageSize);
  if (!answer) return null;
  const version = msg.version;
  return fitAnswer(answer, msg.pdu, dialect, dev.maxMessageSize,
    (pdu) => encodeCommunityMessage({ version, community: msg.community, pdu }, encodePdu(pdu)));
}

function respondV3(dev: SimDevice, raw: Buffer, msg: V3Message): Buffer | null {
  if (dev.users.size === 0 || msg.securityModel !== SECURITY_MODEL_USM) return null;
  const level = flagsLevel(msg.msgFlags);
  if (level === null) return null;
  const reportable = (msg.msgFlags & FLAG_REPORTABLE) !== 0;
  const plainPdu = Buffer.isBuffer(msg.data) ? null : msg.data.pdu;
  const report = (reason: UsmReason, user?: LocalizedUser, reportLevel: SecurityLevel = 'noAuthNoPriv') =>
    reportable ? sendReport(dev, msg, reason, plainPdu, user, reportLevel) : null;

  if (!msg.usm.engineId.equals(dev.engineId)) return report('unknownEngineID');
  const user = dev.users.get(msg.usm.userName.toString('utf8'));
  if (!user) return report('unknownUserName');

  let scoped: ScopedPdu;
  try {
    scoped = openMessage(raw, msg, user);
  } catch (error) {
    if (!(error instanceof UsmError)) return null;
    if (error.reason === 'decryptionError' && !inTimeWindow(dev, msg)) return report('notInTimeWindow', user, 'authNoPriv');
    return report(error.reason);
  }
  if (level !== 'noAuthNoPriv' && !inTimeWindow(dev, msg)) return report('notInTimeWindow', user, 'authNoPriv');

  // The PDU part is answered as v2c would; the size limit is the smaller of ours and the manager's.
  const maxSize = Math.min(dev.maxMessageSize, Math.max(484, msg.msgMaxSize));
  const answer = answerPdu(dev, scoped.pdu, 'v2', maxSize);
  if (!answer) return null;
  return fitAnswer(answer, scoped.pdu, 'v2', maxSize, (pdu) => sealResponse(dev, msg, user, level, scoped.contextName, pdu));
}

function inTimeWindow(dev: SimDevice, msg: V3Message): boolean {
  const u = msg.usm;
  return u.engineBoots === dev.engineBoots && u.engineBoots !== 0x7fffffff && Math.abs(u.engineTime - dev.engineTime()) <= TIME_WINDOW;
}

function sealResponse(dev: SimDevice, msg: V3Message, user: LocalizedUser, level: SecurityLevel, contextName: Buffer, pdu: BasicPdu): Buffer {
  return sealMessage({
    msgId: msg.msgId, msgMaxSize: dev.maxMessageSize, reportable: false, level,
    engineId: dev.engineId, engineBoots: dev.engineBoots, engineTime: dev.engineTime(), user,
    scopedPdu: { contextEngineId: dev.engineId, contextName, pdu },
  });
}

/**
 * A Report carrying the usmStats counter (RFC 3412 7.1 step 3c). Its request-id is the
 * request's when the PDU was readable; managers match v3 replies by msgID anyway.
 */
function sendReport(dev: SimDevice, msg: V3Message, reason: UsmReason, pdu: Pdu | null, user: LocalizedUser | undefined, level: SecurityLevel): Buffer {
  dev.usmStats[reason]++;
  const report: BasicPdu = {
    type: 'Report', requestId: pdu?.requestId ?? 0, errorStatus: 0, errorIndex: 0,
    varbinds: [{ oid: USM_STATS_OIDS[reason], type: 'Counter32', value: dev.usmStats[reason] }],
  };
  return sealMessage({
    msgId: msg.msgId, msgMaxSize: dev.maxMessageSize, reportable: false, level,
    engineId: dev.engineId, engineBoots: dev.engineBoots, engineTime: dev.engineTime(),
    user: level === 'noAuthNoPriv' || !user ? { name: msg.usm.userName } : user,
    scopedPdu: { contextEngineId: dev.engineId, contextName: Buffer.alloc(0), pdu: report },
  });
}
