import {
  BufferJSON,
  initAuthCreds,
  proto,
  type AuthenticationCreds,
  type AuthenticationState,
  type SignalDataTypeMap,
  type SignalKeyStore,
} from '@whiskeysockets/baileys';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { schema, tx, type Db } from '../../db/index.js';

/** A WhatsApp session's credentials and signal keys, persisted in SQLite. */
export interface SqliteAuthState {
  state: AuthenticationState;
  /** Persist `state.creds` (call on every `creds.update`). */
  saveCreds: () => Promise<void>;
  /** Delete everything stored for the session (after a logout, so the next connection shows a fresh QR). */
  clear: () => Promise<void>;
}

const CREDS = 'creds';
const t = schema.whatsappAuth;

/**
 * Auth state for baileys stored in the `whatsapp_auth` table, one row per creds/key, following baileys'
 * `useMultiFileAuthState` (issue: the file store is not meant for production). Values are JSON with BufferJSON so Buffers
 * and Uint8Arrays survive; `keys.set` writes a whole batch in one transaction so a crash never leaves half a key update.
 */
export function useSqliteAuthState(db: Db, session: string): SqliteAuthState {
  const read = (key: string): unknown => {
    const row = db
      .select({ value: t.value })
      .from(t)
      .where(and(eq(t.session, session), eq(t.key, key)))
      .get();
    return row ? JSON.parse(row.value, BufferJSON.reviver) : undefined;
  };
  const write = (key: string, value: unknown): void => {
    const json = JSON.stringify(value, BufferJSON.replacer);
    db.insert(t)
      .values({ session, key, value: json })
      .onConflictDoUpdate({ target: [t.session, t.key], set: { value: json, updatedAt: sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))` } })
      .run();
  };

  // Creds are our own earlier output (or fresh): baileys' own shape, so the parse is a type assertion by construction.
  const creds = (read(CREDS) as AuthenticationCreds | undefined) ?? initAuthCreds();

  const keys: SignalKeyStore = {
    get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
      const out: { [id: string]: SignalDataTypeMap[T] } = {};
      if (ids.length === 0) return out;
      const rows = db
        .select({ key: t.key, value: t.value })
        .from(t)
        .where(and(eq(t.session, session), inArray(t.key, ids.map((id) => `${type}:${id}`))))
        .all();
      const prefix = `${type}:`.length;
      for (const row of rows) {
        let value: unknown = JSON.parse(row.value, BufferJSON.reviver);
        if (type === 'app-state-sync-key' && value) value = proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>);
        out[row.key.slice(prefix)] = value as SignalDataTypeMap[T];
      }
      return out;
    },
    set: async (data) => {
      tx(db, () => {
        for (const [type, entries] of Object.entries(data)) {
          for (const [id, value] of Object.entries(entries ?? {})) {
            const key = `${type}:${id}`;
            if (value) write(key, value);
            else db.delete(t).where(and(eq(t.session, session), eq(t.key, key))).run();
          }
        }
      });
    },
    clear: async () => {
      db.delete(t).where(and(eq(t.session, session), sql`${t.key} <> ${CREDS}`)).run();
    },
  };

  return {
    state: { creds, keys },
    saveCreds: async () => write(CREDS, creds),
    clear: async () => {
      db.delete(t).where(eq(t.session, session)).run();
    },
  };
}
