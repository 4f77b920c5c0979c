import { test } from 'vitest';
test('scratch', async () => { await import('/tmp/cls.mts'); });
