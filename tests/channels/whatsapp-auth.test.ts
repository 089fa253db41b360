import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { proto } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import { createWhatsAppAuthRepository } from '../../src/db/repositories/index.js';
import { useSqliteAuthState } from '../../src/channels/whatsapp/index.js';
import { openDb } from '../../src/db/index.js';

describe('whatsapp auth state in SQLite', () => {
  it('keeps creds and signal keys (Buffers included) across a restart, and clear() forgets them', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'tracebot-wa-auth-')), 'auth.db');
    const db1 = openDb(file);
    const a = useSqliteAuthState(createWhatsAppAuthRepository(db1), 'main');
    const fresh = a.state.creds;
    expect(fresh.noiseKey.private).toBeInstanceOf(Uint8Array);
    Object.assign(a.state.creds, { me: { id: '6281100000000:3@s.whatsapp.net', name: 'Tracebot' }, registered: true });
    await a.saveCreds();
    await a.state.keys.set({
      'pre-key': { '1': { public: Buffer.from([1, 2, 3]), private: Buffer.from([4, 5, 6]) }, '2': { public: Buffer.alloc(32, 7), private: Buffer.alloc(32, 8) } },
      session: { '6281200000001.0': new Uint8Array([9, 9, 9]) },
      'sender-key-memory': { 'group@g.us': { '6281@s.whatsapp.net': true } },
      'app-state-sync-key': { AAAA: { keyData: Buffer.from('secret-key-data'), timestamp: 1700000000 } },
      'lid-mapping': { '6281200000001': '123456789@lid' },
    });
    // Another session in the same table must stay untouched.
    const other = useSqliteAuthState(createWhatsAppAuthRepository(db1), 'other');
    await other.saveCreds();
    db1.$client.close();

    const db2 = openDb(file);
    const b = useSqliteAuthState(createWhatsAppAuthRepository(db2), 'main');
    expect(b.state.creds.me).toEqual({ id: '6281100000000:3@s.whatsapp.net', name: 'Tracebot' });
    expect(b.state.creds.registered).toBe(true);
    expect(Buffer.from(b.state.creds.noiseKey.private).equals(Buffer.from(fresh.noiseKey.private))).toBe(true);
    expect(b.state.creds.registrationId).toBe(fresh.registrationId);

    const preKeys = await b.state.keys.get('pre-key', ['1', '2', '3']);
    expect(Object.keys(preKeys).sort()).toEqual(['1', '2']);
    expect(Buffer.from(preKeys['1']!.public).equals(Buffer.from([1, 2, 3]))).toBe(true);
    expect(Buffer.from(preKeys['2']!.private).equals(Buffer.alloc(32, 8))).toBe(true);
    const sessions = await b.state.keys.get('session', ['6281200000001.0']);
    expect(Buffer.from(sessions['6281200000001.0']!).equals(Buffer.from([9, 9, 9]))).toBe(true);
    expect(await b.state.keys.get('sender-key-memory', ['group@g.us'])).toEqual({ 'group@g.us': { '6281@s.whatsapp.net': true } });
    const appKeys = await b.state.keys.get('app-state-sync-key', ['AAAA']);
    expect(appKeys['AAAA']).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect(Buffer.from(appKeys['AAAA']!.keyData!).toString()).toBe('secret-key-data');
    expect(await b.state.keys.get('lid-mapping', ['6281200000001'])).toEqual({ '6281200000001': '123456789@lid' });

    // A null value deletes a key, in the same batch as a write.
    await b.state.keys.set({ 'pre-key': { '1': null, '3': { public: Buffer.from([3]), private: Buffer.from([3]) } } });
    expect(Object.keys(await b.state.keys.get('pre-key', ['1', '2', '3'])).sort()).toEqual(['2', '3']);

    await b.clear();
    const c = useSqliteAuthState(createWhatsAppAuthRepository(db2), 'main');
    expect(c.state.creds.me).toBeUndefined();
    expect(Buffer.from(c.state.creds.noiseKey.private).equals(Buffer.from(fresh.noiseKey.private))).toBe(false);
    expect(await c.state.keys.get('pre-key', ['2', '3'])).toEqual({});
    const left = db2.$client.prepare('SELECT session, key FROM whatsapp_auth').all();
    expect(left).toEqual([{ session: 'other', key: 'creds' }]);
    db2.$client.close();
  });

  it('writes a batch of keys atomically: a failing value leaves none of the batch behind', async () => {
    const db = openDb(':memory:');
    const a = useSqliteAuthState(createWhatsAppAuthRepository(db), 'main');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(
      a.state.keys.set({ session: { ok: new Uint8Array([1]) }, 'sender-key-memory': { bad: circular as never } }),
    ).rejects.toThrow();
    expect(await a.state.keys.get('session', ['ok'])).toEqual({});
  });
});
