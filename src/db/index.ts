export { openDb, tx, schema, type Db } from './client.js';
