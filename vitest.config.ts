import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Without PostgreSQL/Redis on this machine, the suite starts the embedded ones (see test/global-setup.ts).
    globalSetup: ['test/global-setup.ts'],
    // Integration suites each get their own PostgreSQL schema and queue prefix, so files may run in parallel.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
