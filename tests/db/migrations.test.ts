import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/index.js';

describe('database', () => {
  it('applies migrations to a new file in WAL mode with foreign keys on, and again idempotently', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'tracebot-db-')), 'test.db');
    const db = openDb(file);
    expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = db.$client
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'")
      .all()
      .map((r) => (r as { name: string }).name)
      .sort();
    expect(tables).toEqual(
      [
        ...['answers', 'api_tokens', 'audit_log', 'cases', 'consent_records', 'contact_invites', 'contacts', 'conversations', 'escalations', 'exposures', 'flow_versions', 'inbound_pending', 'inbox_reads', 'login_failures', 'messages', 'monitoring_checkins', 'monitoring_enrolments', 'monitoring_exposures', 'outbox', 'places_visited', 'sessions', 'settings', 'timers', 'users', 'whatsapp_auth'],
        // schema-privacy.ts
        ...['erasure_requests', 'privacy_redactions', 'scheduled_jobs'],
      ].sort(),
    );
    db.$client.close();
    const again = openDb(file);
    const files = readdirSync(new URL('../../migrations/sqlite', import.meta.url)).filter((f) => f.endsWith('.sql'));
    expect(again.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get()).toEqual({ n: files.length });
    again.$client.close();
  });

  it('refuses a second open conversation for the same chat', () => {
    const db = openDb(':memory:');
    const insert = db.$client.prepare(
      "INSERT INTO conversations (channel, channel_user_id, flow_id, flow_version, state, owner) VALUES ('fake', 'u1', 'f', 1, '{}', ?)",
    );
    insert.run('closed');
    insert.run('bot');
    expect(() => insert.run('tracer')).toThrow(/UNIQUE/);
  });
});
