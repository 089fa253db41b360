import type { WhatsAppAuthRepository } from '../../domain/repositories/whatsapp-auth.js';
import { tx, type Db } from '../client.js';

/** WhatsApp auth state rows over SQLite (`whatsapp_auth`); statements prepared once. */
export function createWhatsAppAuthRepository(db: Db): WhatsAppAuthRepository {
  const c = db.$client;
  const get = c.prepare(`SELECT value FROM whatsapp_auth WHERE session = ? AND key = ?`);
  const getMany = c.prepare(`SELECT key, value FROM whatsapp_auth WHERE session = ? AND key IN (SELECT value FROM json_each(?))`);
  const put = c.prepare(
    `INSERT INTO whatsapp_auth (session, key, value) VALUES (?, ?, ?)
     ON CONFLICT (session, key) DO UPDATE SET value = excluded.value, updated_at = CAST(unixepoch('subsec') * 1000 AS INTEGER)`,
  );
  const del = c.prepare(`DELETE FROM whatsapp_auth WHERE session = ? AND key = ?`);
  const clearAll = c.prepare(`DELETE FROM whatsapp_auth WHERE session = ?`);
  const clearExcept = c.prepare(`DELETE FROM whatsapp_auth WHERE session = ? AND key <> ?`);
  return {
    get: (session, key) => (get.get(session, key) as { value: string } | undefined)?.value,
    getMany: (session, keys) => (keys.length ? (getMany.all(session, JSON.stringify(keys)) as { key: string; value: string }[]) : []),
    put: (session, key, value) => {
      put.run(session, key, value);
    },
    applyBatch: (session, writes) => {
      tx(db, () => {
        for (const w of writes) {
          if (w.value === null) del.run(session, w.key);
          else put.run(session, w.key, w.value);
        }
      });
    },
    clear: (session, keep) => {
      if (keep === undefined) clearAll.run(session);
      else clearExcept.run(session, keep);
    },
  };
}
