/** Setup file (vitest.config.ts): after each test file, remove the folders its tests made with tempDir(). */
import { afterAll } from 'vitest';
import { removeTempDirs } from './tmp.js';

// Registered first, so it runs after the file's own afterAll hooks (servers and children stopped).
afterAll(() => removeTempDirs());
