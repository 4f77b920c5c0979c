import { gunzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { buildMessages } from '../../src/transport/deliver.js';
import { contextOf, maskValue, toWireReading } from '../../src/transport/wire.js';
import { decodeAuxPacket, decodeAuxReply, encodeAck, encodeErr, encodeAuxPacket, encodeBody, httpHeaders, signature, UDP_MAX_BYTES } from '@amr/protocol';
import { AGENT_KEY, makeConfig } from './helpers/config.js';
import { sampleReading } from './helpers/readings.js';

describe('WireReading', () => {
  test('carries only what may travel: no sysDescr, sources, markers, trays or display text', () => {
    const w = toWireReading(sampleReading(), 'pages', { ip: 'send', mac: 'send', hostname: 'send' }, 'k');
    const keys = Object.keys(w).sort();
    expect(keys).toEqual(['alerts', 'counters', 'error', 'extraCounters', 'flags', 'host', 'identity', 'ok', 'profile', 'readAt', 'reason', 'status', 'supplies']);
    expect(Object.keys(w.identity)).not.toContain('sysDescr');
    expect(w.identity.ip).toBe('192.168.10.1');
    expect(w.supplies[0]).toEqual({ description: 'Black Toner', type: 'toner', class: 'consumed', color: 'black', levelPercent: 10, state: 'low' });
    expect(JSON.stringify(w)).not.toContain('1.3.6.1.2.1.43.10.2.1.4');
  });

  test('privacy mask replaces ip, mac, host name, location everywhere, including free text', () => {
    const r = sampleReading(7);
    const w = toWireReading(r, 'pages', { ip: 'mask', mac: 'mask', hostname: 'mask' }, 'secret-key');
    expect(w.identity.ip).toBe(maskValue('192.168.10.7', 'secret-key'));
    expect(w.identity.ip).toMatch(/^mask:[0-9a-f]{12}$/);
    expect(w.identity.mac).toMatch(/^mask:/);
    expect(w.identity.hostname).toMatch(/^mask:/);
    expect(w.identity.location).toMatch(/^mask:/);
    expect(w.host).toMatch(/^mask:/); // 127.0.0.7 is an address: follows [privacy] ip
    const text = JSON.stringify(w);
    for (const raw of ['192.168.10.7', '00:1b:a9', 'brn7.office', 'accounting', '127.0.0.7']) expect(text).not.toContain(raw);
    expect(w.flags[0]!.message).toContain('mask:');
  });

  test('privacy omit gives null; send keeps values', () => {
    const w = toWireReading(sampleReading(), 'pages', { ip: 'omit', mac: 'send', hostname: 'omit' }, 'k');
    expect(w.identity.ip).toBeNull();
    expect(w.host).toBeNull();
    expect(w.identity.hostname).toBeNull();
    expect(w.identity.mac).toBe('00:1b:a9:00:00:01');
    expect(w.flags[0]!.message).toContain('(omitted)');
  });

  test('config [privacy] reaches the message; no secret travels', () => {
    const config = makeConfig({ privacy: { ip: 'mask' }, snmp: { communities: 'sekret-community' }, proxy: { url: 'http://127.0.0.1:1', user: 'u', password: 'proxy-pass' } });
    const [m] = buildMessages(contextOf(config, '0.1.0'), 'readings', [sampleReading()]);
    const text = gunzipSync(encodeBody(m!)).toString();
    expect(text).toContain('"customer":"ACME-0001"');
    expect(text).toContain('"agentId":"test-agent"');
    for (const secret of ['sekret-community', 'proxy-pass', AGENT_KEY]) expect(text).not.toContain(secret);
    expect(m!.readings[0]!.identity.ip).toMatch(/^mask:/);
  });

  test('one printer\'s full reading is at most 1 kB compressed', () => {
    const config = makeConfig({});
    const [m] = buildMessages(contextOf(config, '0.1.0'), 'readings', [sampleReading()]);
    expect(encodeBody(m!).length).toBeLessThanOrEqual(1024);
  });

  test('alerts are packed into messages that fit one UDP datagram', () => {
    const config = makeConfig({});
    const ctx = contextOf(config, '0.1.0');
    const readings = Array.from({ length: 12 }, (_, i) => sampleReading(i + 1));
    // Message ids are random and gzip sizes vary with them: pack many times so an edge case shows.
    for (let round = 0; round < 40; round++) {
      const alerts = buildMessages(ctx, 'alert', readings);
      expect(alerts.length).toBeGreaterThan(1);
      expect(alerts.flatMap((m) => m.readings).length).toBe(12);
      for (const m of alerts) expect(encodeAuxPacket(ctx.agentId, AGENT_KEY, encodeBody(m)).length).toBeLessThanOrEqual(UDP_MAX_BYTES);
    }
    expect(buildMessages(ctx, 'readings', readings)).toHaveLength(1);
  });
});

describe('codec', () => {
  test('HTTP signature is HMAC over timestamp "." gzip body', () => {
    const body = Buffer.from([1, 2, 3]);
    const h = httpHeaders('a', 'key', body, 1_700_000_000_000);
    expect(h['x-amr-timestamp']).toBe('1700000000');
    expect(h['x-amr-signature']).toBe(signature('key', 1_700_000_000, body));
    expect(h['x-amr-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(signature('key', 1_700_000_001, body)).not.toBe(h['x-amr-signature']);
  });

  test('aux packet round trip, and ACK verification rejects forgeries', () => {
    const body = Buffer.from('gzip-bytes\nwith newline');
    const p = decodeAuxPacket(encodeAuxPacket('front desk/pc', 'key', body, 1_700_000_000_000))!;
    expect(p.agentId).toBe('front desk/pc');
    expect(p.timestamp).toBe('1700000000');
    expect(p.body.equals(body)).toBe(true);
    expect(p.signature).toBe(signature('key', 1_700_000_000, body));
    const ack = decodeAuxReply(Buffer.from(encodeAck('key', 'm-1', true)), 'key');
    expect(ack).toEqual({ kind: 'ack', messageId: 'm-1', duplicate: true, valid: true });
    expect(decodeAuxReply(Buffer.from(encodeAck('other', 'm-1', true)), 'key')).toMatchObject({ kind: 'ack', valid: false });
    // A collector before the codes: text only.
    expect(decodeAuxReply(Buffer.from('AMR1 ERR m-1 bad signature'), 'key')).toEqual({ kind: 'err', messageId: 'm-1', error: 'bad signature', code: null, signed: false });
    expect(decodeAuxReply(Buffer.from(encodeErr(null, 'unknown agent', 'unknown_agent')), 'key')).toEqual({ kind: 'err', messageId: null, error: 'unknown agent', code: 'unknown_agent', signed: false });
    // A refusal naming a message is signed with the agent key; another key's signature does not verify.
    expect(decodeAuxReply(Buffer.from(encodeErr('m-1', 'readAt is wrong', 'invalid', 'key')), 'key')).toEqual({ kind: 'err', messageId: 'm-1', error: 'readAt is wrong', code: 'invalid', signed: true });
    expect(decodeAuxReply(Buffer.from(encodeErr('m-1', 'readAt is wrong', 'invalid', 'other')), 'key')).toMatchObject({ code: 'invalid', signed: false });
    expect(decodeAuxReply(Buffer.from('HTTP/1.1 400'), 'key').kind).toBe('garbage');
  });
});
