export { parseConfig, loadConfig, ConfigError, type Config } from './config.js';
export { EnvSchema, Role, type Env } from './schema.js';
export { childEnvironment } from './child-env.js';
