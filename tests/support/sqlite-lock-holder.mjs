// Holds the write lock of a SQLite file for a while, from another process (as a backup tool or a second writer would).
// Usage: node sqlite-lock-holder.mjs <file> <ms>. Prints "locked" once it holds the lock, exits when it let go.
import Database from 'better-sqlite3';

const [file, ms] = process.argv.slice(2);
const db = new Database(file);
db.exec('BEGIN IMMEDIATE');
process.stdout.write('locked\n');
setTimeout(() => {
  db.exec('COMMIT');
  db.close();
}, Number(ms));
