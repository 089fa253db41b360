import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  // schema-durable.ts holds the pipeline's durable state (issue 12); it references tables of schema.ts.
  schema: ['./src/db/schema.ts', './src/db/schema-durable.ts', './src/db/schema-consent.ts', './src/db/schema-accounts.ts', './src/db/schema-contact-invites.ts', './src/db/schema-inbox.ts', './src/db/schema-privacy.ts', './src/db/schema-monitoring.ts'],
  // Each change here needs its twin in src/db/postgres/schema/ (tests/db/schema-parity.test.ts compares them).
  out: './migrations/sqlite',
});
