import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * drizzle-kit writes every PostgreSQL foreign key as `REFERENCES "public"."table"`, even for tables declared without a
 * schema (drizzle-team/drizzle-orm#636 and its siblings). tracebot runs each deployment (and each test) in the schema its
 * DATABASE_URL names, through search_path, so the migrations must not name one: `npm run db:generate` runs this after
 * drizzle-kit to remove the qualifier. Idempotent.
 */
const folder = new URL('../migrations/postgres/', import.meta.url);
for (const name of readdirSync(folder).filter((f) => f.endsWith('.sql'))) {
  const file = new URL(name, folder);
  const before = readFileSync(file, 'utf8');
  const after = before.replaceAll('REFERENCES "public".', 'REFERENCES ');
  if (after !== before) writeFileSync(file, after);
}
