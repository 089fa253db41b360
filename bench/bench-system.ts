import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { FakeChannel, type FakePlatform } from '../src/channels/fake/index.js';
import { parseConfig } from '../src/config/index.js';
import { startSystem, type System } from '../src/system.js';
import { schemaUrl, type BenchDatabase } from './bench-database.js';
import { BENCH_CASE } from './patients.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface BenchSystemOptions {
  redisUrl: string;
  prefix: string;
  /** WORKER_CONCURRENCY of the pipeline. */
  concurrency: number;
  /** The platform the fake channel talks to (the bench's patients live there). */
  platform: FakePlatform;
  /** `channels` when separate processes run the worker role (default: both here). */
  roles?: 'worker,channels' | 'channels';
  /** Default: a SQLite file in the temp dir. */
  database?: BenchDatabase;
  /** On PostgreSQL: the system's schema is `<run prefix>_<name>`. */
  databaseName?: string;
}

/** A running system for the bench, with the temp dir of its SQLite file. */
export interface BenchSystem {
  system: System;
  /** What worker processes of the same system get: DATABASE_FILE, or DATABASE_URL on PostgreSQL. */
  databaseEnv: { DATABASE_FILE: string } | { DATABASE_URL: string };
  /** The data folder: worker processes of the same system get it as DATA_DIR. */
  dataDir: string;
  /** Stop the system and delete its data. */
  stop(): Promise<void>;
}

/**
 * The real system as `npm start --role worker,channels --workers 1` would run it (or its `channels` role only): the repository's flows, a fresh SQLite file (WAL) in a
 * temp dir (or a fresh schema on PostgreSQL), the given Redis, no web server, silent logs, and the fake channel over the bench's platform.
 */
export async function startBenchSystem(o: BenchSystemOptions): Promise<BenchSystem> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tracebot-bench-'));
  const db = o.database ?? { kind: 'sqlite' };
  // The schema is dropped with the run's others (dropBenchDatabase), not here: a crash before stop() must not leave it.
  const databaseUrl = db.kind === 'postgres' ? schemaUrl(db, o.databaseName ?? 'system') : undefined;
  const config = parseConfig(
    {
      NODE_ENV: 'development',
      ROLES: o.roles ?? 'worker,channels',
      REDIS_URL: o.redisUrl,
      REDIS_PREFIX: o.prefix,
      DATA_DIR: dataDir,
      FLOWS_DIR: path.join(repoRoot, 'flows'),
      LOG_LEVEL: 'silent',
      // The built-in fake channel would get its own platform; ours is passed as an extra channel instead.
      FAKE_CHANNEL: 'off',
      WORKER_CONCURRENCY: String(o.concurrency),
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    repoRoot,
  );
  const channel = new FakeChannel(o.platform);
  let system: System;
  try {
    system = await startSystem(config, { logger: pino({ level: 'silent' }), channels: [channel] });
    // The case the simulated patients prove to be (they type its number and date of birth, see PATIENT_SCRIPT).
    const now = Date.now();
    system.stores.cases.insert({
      externalId: BENCH_CASE.externalId,
      name: BENCH_CASE.name,
      phone: null,
      dateOfBirth: BENCH_CASE.dateOfBirth,
      testDate: null,
      confirmedAt: now,
      language: 'id',
      area: null,
      sourceContactId: null,
      // No start link is ever opened in the bench: a hash nobody's code has.
      startCodeHash: 'bench-no-start-code',
      startCodeExpiresAt: now,
      now,
    });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    system,
    databaseEnv: databaseUrl ? { DATABASE_URL: databaseUrl } : { DATABASE_FILE: config.databaseFile },
    dataDir,
    async stop() {
      await system.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
