export { parseConfig, loadConfig, ConfigError, type Config } from './config.js';
export { EnvSchema, Role, type Env } from './schema.js';
export { childEnvironment } from './child-env.js';
export { type RedisNode, type RedisTarget, type RedisTopology } from './redis-topology.js';
