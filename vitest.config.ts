import { defineConfig } from 'vitest/config';

// Integration tests start real servers and generator processes. The latency-truth tests
// (test/measurement/) run in a pass of their own (vitest.measure.config.ts) so that they do not
// share the two cores with the rest of the suite.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/measurement/**', 'test/reliability/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
