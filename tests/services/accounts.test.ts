import { describe, expect, it } from 'vitest';
import { createRepositories } from '../../src/db/index.js';
import { createUser, findSession, hashPassword, startSession, verifyPassword } from '../../src/services/accounts/index.js';
import { tempDb } from '../support/seed.js';

describe('accounts', () => {
  it('hashes with scrypt (parameters in the string, random salt) and verifies only the right password', async () => {
    const a = await hashPassword('sebelas karakter');
    const b = await hashPassword('sebelas karakter');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('sebelas karakter', a)).toBe(true);
    expect(await verifyPassword('sebelas karakteR', a)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });

  it('finds a session by its token until it expires', async () => {
    const { db } = tempDb();
    const repos = createRepositories(db);
    const created = await createUser(repos, { email: 's@example.org', role: 'admin' }, { id: null }, 0);
    if (!created.ok) throw new Error('create failed');
    const { token } = startSession(repos, created.user, 1000, null, 60_000);
    expect(findSession(repos, token, 2000)?.user.email).toBe('s@example.org');
    expect(findSession(repos, token, 61_001)).toBeUndefined();
    expect(findSession(repos, `${token}x`, 2000)).toBeUndefined();
  });
});
