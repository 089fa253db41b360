import { defineConfig } from 'vitest/config';

// Options both passes share. Projects are spelled out in full rather than with `extends: true`, whose merge would add
// the root's include and globalSetup lists to a project's own.
const shared = {
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: 'forks',
} as const;

// Two test files at a time (vitest's default is one fewer than the cores: one on a 2-core machine). Most suites wait on
// Redis, PostgreSQL, child processes and timers rather than compute, and the PostgreSQL pass doubles the work.
const maxWorkers = 2;

// The SQLite pass runs every suite. Suites whose subject is stored state run again on PostgreSQL when TEST_DATABASE_URL
// names a server (issue 15), each test in its own schema; suites about SQLite's own behaviour (its write lock, a full
// disk) stay in the SQLite pass only.
const postgres = {
  name: 'postgres',
  include: ['tests/services/**/*.test.ts', 'tests/pipeline/**/*.test.ts', 'tests/web/**/*.test.ts', 'tests/api/**/*.test.ts'],
  exclude: ['tests/pipeline/sqlite-faults-redis.test.ts'],
  globalSetup: ['tests/support/global-setup.ts', 'tests/support/postgres-global-setup.ts'],
  env: { TEST_DATABASE: 'postgres' },
  ...shared,
};

// Suites whose waits are tuned for a machine they do not share with another suite (a whole tracer session through a
// browser and the pipeline; SQLite's busy timeout raced against a lock held by another process): they failed beside a
// second suite on 2 cores, so they run last, one at a time.
const alone = ['tests/browser/inbox-pipeline-redis.test.ts', 'tests/pipeline/sqlite-faults-redis.test.ts'];

export default defineConfig({
  test: {
    maxWorkers,
    projects: [
      { test: { name: 'sqlite', include: ['tests/**/*.test.ts'], exclude: alone, globalSetup: ['tests/support/global-setup.ts'], ...shared } },
      ...(process.env.TEST_DATABASE_URL ? [{ test: postgres }] : []),
      {
        test: {
          name: 'sqlite-alone',
          include: alone,
          globalSetup: ['tests/support/global-setup.ts'],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
          ...shared,
        },
      },
    ],
  },
});
