import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { parseConfig } from '../../src/config/index.js';
import { startSystem, type System, type SystemOverrides } from '../../src/system.js';
import { testDatabase, testDatabaseKind } from './test-db.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A unique Redis key prefix per test, so suites sharing one redis-server never see each other's queues. */
export function uniquePrefix(name: string): string {
  return `t-${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Start a whole tracebot (real Redis from the test setup, a fresh SQLite file in DATA_DIR or in the PostgreSQL pass a
 * schema of its own, the repository's flows) with env overrides. Web listens on a free port unless ROLES says otherwise.
 */
export async function startTestSystem(
  redisUrl: string,
  env: Record<string, string> = {},
  overrides: SystemOverrides = {},
): Promise<System & { dataDir: string }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tracebot-sys-'));
  // A caller naming its database (to restart on the same one) keeps it; otherwise the PostgreSQL pass gives a fresh schema.
  const database = env.DATABASE_FILE || env.DATABASE_URL ? {} : postgresTarget();
  const config = parseConfig(
    {
      NODE_ENV: 'test',
      REDIS_URL: redisUrl,
      REDIS_PREFIX: uniquePrefix('sys'),
      DATA_DIR: dataDir,
      HTTP_PORT: '0',
      FLOWS_DIR: path.join(repoRoot, 'flows'),
      LOG_LEVEL: 'silent',
      SESSION_SECRET: 'x'.repeat(40),
      // Following named contacts writes to their phones: suites about other things keep it off, the loop's suites turn it on.
      MONITORING_ENABLED: 'false',
      ...database,
      ...env,
    },
    repoRoot,
  );
  const system = await startSystem(config, { logger: pino({ level: env.LOG_LEVEL ?? 'silent' }), sweepEveryMs: 200, ...overrides });
  return Object.assign(system, { dataDir });
}

/** `DATABASE_URL` for a fresh schema in the PostgreSQL pass; nothing in the SQLite pass (the file goes in DATA_DIR). */
function postgresTarget(): { DATABASE_URL?: string } {
  return testDatabaseKind() === 'postgres' ? { DATABASE_URL: testDatabase().target } : {};
}

export { eventually } from './eventually.js';

/**
 * Overrides for suites about queue mechanics (ordering, recovery, reminders): the default interview is played as a plain
 * script, without the identity check every real chat starts with (tested in tests/services/identity-turn.test.ts and the
 * channel suites).
 */
export const SCRIPTED = { skipIdentityCheck: true } as const;
