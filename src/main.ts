import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config/index.js';
import { createRepositories } from './db/index.js';
import { PortInUseError, persistedSessionSecret, startBanner } from './runtime/index.js';
import { RedisUnavailableError } from './runtime/redis-bootstrap.js';
import { startSystem } from './system.js';

/**
 * Composition root: `npm start [-- --role web|worker|channels ...]`. Reads the config once, starts the roles asked for, and on
 * SIGTERM/SIGINT drains in-flight jobs and closes cleanly.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { role: { type: 'string', multiple: true } }, allowPositionals: false });
  const roles = values.role?.flatMap((r) => r.split(',')).join(',');
  let config;
  try {
    config = loadConfig(roles ? { ROLES: roles } : {});
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  // Development without SESSION_SECRET: keep one in the data folder so a restart does not log everyone out.
  if (!config.SESSION_SECRET) config = Object.freeze({ ...config, SESSION_SECRET: persistedSessionSecret(config.DATA_DIR) });
  let system;
  try {
    system = await startSystem(config);
  } catch (error) {
    if (error instanceof RedisUnavailableError) {
      process.stderr.write(`tracebot cannot start: ${error.message}\n`);
      process.exit(3);
    }
    if (error instanceof PortInUseError) {
      process.stderr.write(`tracebot cannot start: ${error.message}\n`);
      process.exit(4);
    }
    throw error;
  }
  const roleList = [...config.roles].join(', ');
  system.logger.info({ roles: roleList, database: config.databaseFile }, 'tracebot is running');
  if (system.address) {
    const noUsers = createRepositories(system.db).users.list().length === 0;
    process.stdout.write(startBanner({ address: system.address, roles: roleList, noUsers, phonePage: config.patientPhonePage }));
  } else process.stdout.write(`tracebot is running (${roleList})\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    system.logger.info({ signal }, 'stopping: draining in-flight jobs');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    void system.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

void main();
