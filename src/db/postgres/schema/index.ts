// The PostgreSQL schema (issue 15): a mirror of the SQLite one, for drizzle-kit (drizzle.postgres.config.ts) and the parity test.
export * from './schema.js';
export * from './durable.js';
export * from './consent.js';
export * from './accounts.js';
export * from './contact-invites.js';
export * from './inbox.js';
export * from './privacy.js';
export * from './monitoring.js';
