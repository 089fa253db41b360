import { describe, expect, it } from 'vitest';
import { createRepositories } from '../../src/db/index.js';
import { authenticate, createUser, updateUser, verifyPassword } from '../../src/services/accounts/index.js';
import { tempDb } from '../support/seed.js';

describe('sign-in work', () => {
  it('does exactly one scrypt password check whatever the outcome, so timing tells nothing about accounts or throttling', async () => {
    const { db } = tempDb();
    const repos = createRepositories(db);
    const known = await createUser(repos, { email: 'tia@example.org', role: 'tracer' }, { id: null }, 0);
    const gone = await createUser(repos, { email: 'gone@example.org', role: 'tracer' }, { id: null }, 0);
    if (!known.ok || !gone.ok) throw new Error('create failed');
    updateUser(repos, gone.user.id, { active: false }, { id: null }, 0);
    const now = 1_800_000_000_000;
    const calls: string[] = [];
    const verify = async (password: string, stored: string) => {
      calls.push(stored.split('$')[0]!);
      return verifyPassword(password, stored);
    };
    const run = async (email: string, password: string, ip: string) => {
      calls.length = 0;
      const r = await authenticate(repos, email, password, now, { ip, verify });
      return { ok: r.ok, checks: [...calls] };
    };
    expect(await run('nobody@example.org', 'whatever', '10.1.0.1')).toEqual({ ok: false, checks: ['scrypt'] });
    expect(await run('gone@example.org', gone.password, '10.1.0.2')).toEqual({ ok: false, checks: ['scrypt'] });
    expect(await run('tia@example.org', 'wrong', '10.1.0.3')).toEqual({ ok: false, checks: ['scrypt'] });
    for (let i = 0; i < 3; i++) await run('tia@example.org', `wrong-${i}`, '10.1.0.3');
    // Throttled now: the right password is refused, after the same one check (against a hash nobody knows).
    expect(await run('tia@example.org', known.password, '10.1.0.4')).toEqual({ ok: false, checks: ['scrypt'] });
    expect(await run('tia@example.org', known.password, '10.1.0.4').then((r) => r.ok)).toBe(false);
    const later = await authenticate(repos, 'tia@example.org', known.password, now + 60_000, { ip: '10.1.0.4', verify });
    expect(later.ok).toBe(true);
  });
});
