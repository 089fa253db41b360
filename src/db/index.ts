export { closeDb, openDb, pingDb, sqliteHandle, tx, schema, type Db } from './client.js';
export { isPostgresUrl, type Engine, type SqlClient, type SqlStatement } from './sql-client.js';
export { createRepositories, createTransactionRunner } from './repositories/index.js';
