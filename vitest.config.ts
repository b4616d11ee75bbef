import { defineConfig } from 'vitest/config';

// Under CI, a JSON report is written too: .ci/run reads its counts and prints
// the plain `N passed, N failed` line.
const ci = Boolean(process.env.CI);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ci ? ['default', 'json'] : ['default'],
    outputFile: ci ? { json: 'test-results.json' } : undefined,
  },
});
