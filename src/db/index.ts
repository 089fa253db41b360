export { closeDb, openDb, pingDb, sqliteHandle, tx, schema, type Db } from './client.js';
export { isPostgresUrl, type Engine, type SqlClient, type SqlStatement } from './sql-client.js';
export { createRepositories, createTransactionRunner } from './repositories/index.js';
export { copyDatabase, type CopyResult, type TableCount } from './copy-database.js';
export { migrationsRecorded, migrationsRecordedBefore } from './migration-count.js';
