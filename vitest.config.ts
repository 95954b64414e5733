import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Tests run on the TypeScript sources of every workspace package (the `vahub-source` export
// condition), so no build is needed before `npm test`.
const sourceFirst = ['vahub-source'];

export default defineConfig({
  resolve: { conditions: [...sourceFirst, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [...sourceFirst, ...defaultServerConditions] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    // Most of the slow files wait (child processes, the vendors' rate limits, BullMQ's lock), not
    // compute: on a 2-core machine vitest's default (cores - 1 = one file at a time) would run them
    // one after another. Four files at once overlap the waits.
    maxWorkers: 4,
    // The property tests compute: with four files sharing two cores, one that takes 10 s alone took
    // 20-24 s beside the others. The bound is for a test that hangs, not a speed assertion.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // CI reads the totals from this file; the console output stays the default one.
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci/results.json' }]] : ['default'],
  },
});
