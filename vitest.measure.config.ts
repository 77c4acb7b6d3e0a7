import { defineConfig } from 'vitest/config';

// Latency-truth tests: one file at a time, alone on the machine.
export default defineConfig({
  test: {
    include: ['test/measurement/**/*.test.ts'],
    testTimeout: 90_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
