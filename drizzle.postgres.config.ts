import { defineConfig } from 'drizzle-kit';

// The PostgreSQL mirror of the schema (issue 15); tests/db/schema-parity.test.ts keeps it equal to the SQLite one.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/db/postgres/schema/schema.ts', './src/db/postgres/schema/durable.ts', './src/db/postgres/schema/consent.ts', './src/db/postgres/schema/accounts.ts', './src/db/postgres/schema/contact-invites.ts', './src/db/postgres/schema/inbox.ts', './src/db/postgres/schema/privacy.ts', './src/db/postgres/schema/monitoring.ts'],
  out: './migrations/postgres',
});
