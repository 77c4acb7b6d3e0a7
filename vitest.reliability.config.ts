import { defineConfig } from 'vitest/config';

// npm run test:reliability: the full fuzzer and the fault tests, one file at a time, alone.
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts', 'test/measurement/faults.test.ts'],
    testTimeout: 600_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
