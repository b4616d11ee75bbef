import { defineConfig } from 'vitest/config';

// Under CI, a JSON report is written too: .ci/run reads its counts and prints
// the plain `N passed, N failed` line.
const ci = Boolean(process.env.CI);

/** Fifteen minutes: a test or hook that takes this long is hung, not slow. */
export const NO_SPEED_DEADLINE_MS = 15 * 60_000;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Deadlines only against a hang, far past what a slow shared machine takes:
    // no test may depend on the machine's speed.
    testTimeout: NO_SPEED_DEADLINE_MS,
    hookTimeout: NO_SPEED_DEADLINE_MS,
    pool: 'forks',
    reporters: ci ? ['default', 'json'] : ['default'],
    outputFile: ci ? { json: 'test-results.json' } : undefined,
  },
});
