import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/cli/demo.js';
import { runRetentionCommand } from '../../src/cli/retention.js';
import { tempDb } from '../support/temp-db.js';

const NOW = Date.parse('2026-03-10T03:00:00Z');

function capture() {
  let text = '';
  return { write: (t: string) => (text += t), get text() { return text; } };
}

describe('npm run cli -- retention run', () => {
  it('shows with --dry-run what it would remove at a moment, changes nothing, then removes it', async () => {
    const { db } = tempDb();
    const r = runDemo(db, { now: NOW, seed: 42 });
    if (!r.ok) throw new Error(r.detail);
    const texts = () => (db.$client.prepare(`SELECT count(*) AS n FROM messages WHERE text IS NOT NULL`).get() as { n: number }).n;
    const before = texts();
    const at = new Date(NOW + 87 * 86_400_000).toISOString();
    const deps = (out: ReturnType<typeof capture>) => ({ db, config: { RETENTION_DAYS_AFTER_CLOSE: 90 }, now: NOW, out, err: capture() });

    const dry = capture();
    expect(await runRetentionCommand(['run', '--dry-run', '--at', at], deps(dry))).toBe(0);
    const would = Number(/(\d+) message texts/.exec(dry.text)![1]);
    expect(would).toBeGreaterThan(0);
    expect(dry.text).toMatch(/^would remove/);
    expect(dry.text).toContain('nothing was changed (dry run)');
    expect(texts()).toBe(before);

    const run = capture();
    expect(await runRetentionCommand(['run', '--at', at], deps(run))).toBe(0);
    expect(run.text).toMatch(/^removed/);
    expect(texts()).toBe(before - would);
    // The output names counts and ids, never a name or a number.
    const names = db.$client.prepare(`SELECT name FROM contacts WHERE name <> '' LIMIT 5`).all() as { name: string }[];
    for (const n of names) expect(run.text + dry.text).not.toContain(n.name);

    const bad = capture();
    const usage = { db, config: { RETENTION_DAYS_AFTER_CLOSE: 90 }, now: NOW, out: capture(), err: bad };
    expect(await runRetentionCommand(['run', '--at', 'yesterday'], usage)).toBe(2);
    expect(bad.text).toContain('usage: npm run cli -- retention run');
  });
});
