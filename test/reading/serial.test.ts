/** One serial rule for reading, discovery and profiles (devices are keyed by serial). */
import { describe, expect, it } from 'vitest';
import { cleanSerial } from '../../src/reading/serial.js';

describe('cleanSerial', () => {
  it.each(['', '   ', '0000000', 'XXXXXX', '----', '???', 'N/A', 'none', 'Unknown', 'Not Available', 'Serial Number', '<private>', 'ab', 'A\u0001B12', 'x'.repeat(65)])(
    'rejects %j', (s) => { expect(cleanSerial(s)).toBeNull(); });
  it('keeps a real serial, trimmed', () => {
    expect(cleanSerial('  VD21457943 ')).toBe('VD21457943');
    expect(cleanSerial('7XQ1R92-132-13')).toBe('7XQ1R92-132-13');
  });
});
