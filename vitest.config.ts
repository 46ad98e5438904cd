import { defineConfig } from 'vitest/config';

// Unit tests are quick and local; integration tests start real servers (embedded Postgres runs
// initdb, the CLI runs as a child process), so they get longer limits. Every test file runs in
// its own forked process: the native modules (better-sqlite3) and the servers a file starts
// stay out of the others' way. Two workers at most, to match a 2-core CI machine.
export default defineConfig({
  test: {
    environment: 'node',
    pool: 'forks',
    poolOptions: { forks: { minForks: 1, maxForks: 2 } },
    fileParallelism: true,
    setupFiles: ['test/support/setup.ts'],
    restoreMocks: true,
    unstubEnvs: true,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 15_000,
          hookTimeout: 15_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
