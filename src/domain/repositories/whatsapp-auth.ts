/** WhatsApp session credentials and signal keys, as opaque JSON strings keyed per session. */
export interface WhatsAppAuthRepository {
  get(session: string, key: string): string | undefined;
  getMany(session: string, keys: string[]): { key: string; value: string }[];
  put(session: string, key: string, value: string): void;
  /** Apply writes (`null` deletes) in one transaction, so a crash never leaves half a key update. */
  applyBatch(session: string, writes: { key: string; value: string | null }[]): void;
  /** Delete every key of the session except `keep` (or all when absent). */
  clear(session: string, keep?: string): void;
}
