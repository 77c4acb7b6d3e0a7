import { defineConfig } from 'vitest/config';

// Integration tests start real servers and generator processes: give them room, run files in
// parallel processes but keep the 2-core machine from being oversubscribed.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
