import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import { childEnvironment, ConfigError, loadConfig, type Config, type Role } from './config/index.js';
import { createRepositories } from './db/index.js';
import {
  createLogger,
  ensureRedis,
  PortInUseError,
  persistedSessionSecret,
  RedisUnavailableError,
  startBanner,
  Supervisor,
  WorkerStartError,
  type RedisHandle,
} from './runtime/index.js';
import { startSystem, type System } from './system.js';

// `--supervised`: forked by a supervisor (main or the bench) with an IPC channel; say when running, and stop when the
// supervisor goes away. A flag rather than "an IPC channel exists": tsx itself may run us with one.
let supervisedChild = false;

function fail(code: number, message: string): never {
  process.stderr.write(`tracebot cannot start: ${message}\n`);
  process.exit(code);
}

/** The start-up failures a person can fix become a message and an exit code; anything else is a bug and is thrown. */
function startFailed(error: unknown): never {
  if (error instanceof RedisUnavailableError) fail(3, error.message);
  if (error instanceof PortInUseError) fail(4, error.message);
  throw error;
}

/**
 * With the worker role and WORKERS > 1, this process supervises that many `--role worker` children (restarting a dead one)
 * and runs its other roles itself. Redis is settled here first so the children share it, and a private redis-server
 * outlives any one child.
 */
async function startSupervised(config: Config): Promise<{ system?: System; supervisor: Supervisor; redis: RedisHandle; roles: string }> {
  const logger = createLogger(config.LOG_LEVEL);
  let redis: RedisHandle;
  try {
    redis = await ensureRedis({ url: config.REDIS_URL, topology: config.redisTopology, dataDir: config.DATA_DIR, logger });
  } catch (error) {
    startFailed(error);
  }
  const own = config.ROLES.filter((r): r is Exclude<Role, 'worker'> => r !== 'worker');
  // A single server found or started here is passed on as its URL; Sentinel/Cluster settings reach everyone unchanged.
  const redisUrl: Record<string, string> = typeof redis.target === 'string' ? { REDIS_URL: redis.target } : {};
  const ownConfig: Config = Object.freeze({ ...config, ...redisUrl, ROLES: own, roles: new Set<Role>(own) });
  // Own roles first: a busy HTTP port stops us before any worker starts, and the database is migrated once.
  const system = own.length
    ? await startSystem(ownConfig).catch(async (error: unknown) => {
        await redis.stop();
        return startFailed(error);
      })
    : undefined;
  // The children read the same environment (and .env); only what this process decided is laid over it.
  const env = childEnvironment({ ROLES: 'worker', WORKERS: '1', ...redisUrl, ...(config.SESSION_SECRET ? { SESSION_SECRET: config.SESSION_SECRET } : {}) });
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--inspect'));
  const supervisor = new Supervisor({
    count: config.workers,
    logger,
    // The same entry and loader flags (tsx) as this process; not its debugger port, which only one process can hold.
    spawn: () => fork(process.argv[1]!, ['--role', 'worker', '--supervised'], { execArgv, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    onEvent: (e) => {
      if (e.type === 'started') process.stdout.write(`worker ${e.slot} started (pid ${e.pid})\n`);
      else if (e.restartInMs !== null) process.stdout.write(`worker ${e.slot} exited (${e.code ?? e.signal}), restarting in ${e.restartInMs} ms\n`);
    },
  });
  try {
    await supervisor.start();
  } catch (error) {
    await Promise.all([supervisor.stop(), system?.stop()]);
    await redis.stop();
    if (error instanceof WorkerStartError) process.exit(error.exitCode ?? 1);
    throw error;
  }
  return { system, supervisor, redis, roles: [...own, `worker in ${config.workers} processes`].join(', ') };
}

/**
 * Composition root: `npm start [-- --role web|worker|channels ...] [--workers N]`. Reads the config once, starts the roles
 * asked for, and on SIGTERM/SIGINT drains in-flight jobs and closes cleanly.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { role: { type: 'string', multiple: true }, workers: { type: 'string' }, supervised: { type: 'boolean' } },
    allowPositionals: false,
  });
  supervisedChild = values.supervised === true && typeof process.send === 'function';
  const roles = values.role?.flatMap((r) => r.split(',')).join(',');
  let config;
  try {
    config = loadConfig({ ...(roles ? { ROLES: roles } : {}), ...(values.workers !== undefined ? { WORKERS: values.workers } : {}) });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  // Development without SESSION_SECRET: keep one in the data folder so a restart does not log everyone out.
  if (!config.SESSION_SECRET) config = Object.freeze({ ...config, SESSION_SECRET: persistedSessionSecret(config.DATA_DIR) });
  const fleet = config.roles.has('worker') && config.workers > 1 && !supervisedChild ? await startSupervised(config) : undefined;
  const system = fleet ? fleet.system : await startSystem(config).catch(startFailed);
  const logger = system?.logger ?? createLogger(config.LOG_LEVEL);
  const roleList = fleet?.roles ?? [...config.roles].join(', ');
  logger.info({ roles: roleList, database: config.databaseUrl ? 'postgres' : config.databaseFile }, 'tracebot is running');
  if (system?.address) {
    const noUsers = createRepositories(system.db).users.list().length === 0;
    process.stdout.write(startBanner({ address: system.address, roles: roleList, noUsers, phonePage: config.patientPhonePage }));
  } else if (!supervisedChild) process.stdout.write(`tracebot is running (${roleList})\n`);
  // A supervised child says it over IPC: the supervisor prints one line for all of them.
  if (supervisedChild) process.send!({ type: 'ready', pid: process.pid });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: draining in-flight jobs');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    const children = fleet ? fleet.supervisor.stop() : Promise.resolve();
    void Promise.all([children, system?.stop()])
      .then(() => fleet?.redis.stop())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  // Ctrl-C reaches the whole process group: a child leaves its stop to the supervisor, which forwards SIGTERM.
  if (supervisedChild) process.on('SIGINT', () => undefined);
  else process.once('SIGINT', () => stop('SIGINT'));
  if (supervisedChild) process.once('disconnect', () => stop('disconnect'));
}

void main();
