import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { persistedSessionSecret, startBanner } from '../../src/runtime/index.js';

describe('start-up for a newcomer', () => {
  it('says where the app is and what to do next, starting with an admin when there is none', () => {
    const first = startBanner({ address: 'http://127.0.0.1:3000', roles: 'web, worker, channels', noUsers: true, phonePage: true });
    expect(first).toContain('tracebot is running (web, worker, channels) at http://127.0.0.1:3000');
    expect(first).toContain('1. create an admin:   npm run cli -- users add --role admin you@example.org');
    expect(first).toContain('be a patient:      http://127.0.0.1:3000/phone');
    const later = startBanner({ address: 'http://127.0.0.1:3000', roles: 'web', noUsers: false, phonePage: false });
    expect(later).not.toContain('create an admin');
    expect(later).not.toContain('/phone');
    expect(later).toContain('1. log in:            http://127.0.0.1:3000/login');
  });

  it('keeps a development session secret in the data folder, readable by its owner only, the same after a restart', () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'secret-')), 'data');
    const a = persistedSessionSecret(dir);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(persistedSessionSecret(dir)).toBe(a);
    expect(readFileSync(path.join(dir, 'session-secret'), 'utf8').trim()).toBe(a);
    expect(statSync(path.join(dir, 'session-secret')).mode & 0o077).toBe(0);
  });
});
