export { closeDb, openDb, pingDb, tx, schema, type Db } from './client.js';
export { createRepositories, createTransactionRunner } from './repositories/index.js';
