import {
  BufferJSON,
  initAuthCreds,
  proto,
  type AuthenticationCreds,
  type AuthenticationState,
  type SignalDataTypeMap,
  type SignalKeyStore,
} from '@whiskeysockets/baileys';
import type { WhatsAppAuthRepository } from '../../domain/repositories/whatsapp-auth.js';

/** A WhatsApp session's credentials and signal keys, persisted through the auth repository (SQLite). */
export interface SqliteAuthState {
  state: AuthenticationState;
  /** Persist `state.creds` (call on every `creds.update`). */
  saveCreds: () => Promise<void>;
  /** Delete everything stored for the session (after a logout, so the next connection shows a fresh QR). */
  clear: () => Promise<void>;
}

const CREDS = 'creds';

/**
 * Auth state for baileys stored in the `whatsapp_auth` table, one row per creds/key, following baileys'
 * `useMultiFileAuthState` (issue: the file store is not meant for production). Values are JSON with BufferJSON so Buffers
 * and Uint8Arrays survive; `keys.set` writes a whole batch in one transaction so a crash never leaves half a key update.
 */
export function useSqliteAuthState(store: WhatsAppAuthRepository, session: string): SqliteAuthState {
  const read = (key: string): unknown => {
    const value = store.get(session, key);
    return value === undefined ? undefined : JSON.parse(value, BufferJSON.reviver);
  };

  // Creds are our own earlier output (or fresh): baileys' own shape, so the parse is a type assertion by construction.
  const creds = (read(CREDS) as AuthenticationCreds | undefined) ?? initAuthCreds();

  const keys: SignalKeyStore = {
    get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
      const out: { [id: string]: SignalDataTypeMap[T] } = {};
      if (ids.length === 0) return out;
      const rows = store.getMany(
        session,
        ids.map((id) => `${type}:${id}`),
      );
      const prefix = `${type}:`.length;
      for (const row of rows) {
        let value: unknown = JSON.parse(row.value, BufferJSON.reviver);
        if (type === 'app-state-sync-key' && value) value = proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>);
        out[row.key.slice(prefix)] = value as SignalDataTypeMap[T];
      }
      return out;
    },
    set: async (data) => {
      const writes: { key: string; value: string | null }[] = [];
      for (const [type, entries] of Object.entries(data)) {
        for (const [id, value] of Object.entries(entries ?? {})) {
          writes.push({ key: `${type}:${id}`, value: value ? JSON.stringify(value, BufferJSON.replacer) : null });
        }
      }
      store.applyBatch(session, writes);
    },
    clear: async () => {
      store.clear(session, CREDS);
    },
  };

  return {
    state: { creds, keys },
    saveCreds: async () => store.put(session, CREDS, JSON.stringify(creds, BufferJSON.replacer)),
    clear: async () => {
      store.clear(session);
    },
  };
}
