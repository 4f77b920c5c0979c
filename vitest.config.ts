import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // vitest's default (one file per core but one) ran the files one at a time on two cores,
    // which left a core idle while files waited on children, sockets and timers. Two files
    // at once, beside the collector's suite (scripts/test.mjs), keep both cores busy.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Removes the folders tests make with test/helpers/tmp.ts after each file.
    setupFiles: ['test/helpers/tmp-cleanup.ts'],
  },
});
