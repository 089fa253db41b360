import makeWASocket, {
  Browsers,
  makeCacheableSignalKeyStore,
  type AnyMessageContent,
  type AuthenticationState,
  type BaileysEventMap,
  type Contact,
  type MiscMessageGenerationOptions,
  type proto,
  type WAMessage,
  type WAMessageKey,
  type WAPresence,
} from '@whiskeysockets/baileys';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { WhatsAppHandshakeRefusedError } from './errors.js';

/** The baileys events the channel listens to. */
export type WaEventMap = Pick<BaileysEventMap, 'messages.upsert' | 'connection.update' | 'creds.update'>;

/** The subset of baileys' event emitter we use. */
export interface WaEvents {
  on<K extends keyof WaEventMap>(event: K, listener: (arg: WaEventMap[K]) => void): void;
  off<K extends keyof WaEventMap>(event: K, listener: (arg: WaEventMap[K]) => void): void;
}

/**
 * The narrow slice of a baileys socket the WhatsApp channel uses. The real one is `makeWASocket`'s result; tests inject
 * `tests/support/fake-wa-socket.ts`, because WhatsApp cannot be reached (or logged into) from a test.
 */
export interface WaSocket {
  ev: WaEvents;
  user: Contact | undefined;
  sendMessage(jid: string, content: AnyMessageContent, options?: MiscMessageGenerationOptions): Promise<WAMessage | undefined>;
  sendPresenceUpdate(type: WAPresence, toJid?: string): Promise<void>;
  presenceSubscribe(toJid: string): Promise<void>;
  onWhatsApp(...phoneNumber: string[]): Promise<{ jid: string; exists: boolean }[] | undefined>;
  requestPairingCode(phoneNumber: string): Promise<string>;
  end(error: Error | undefined): Promise<void> | void;
  logout(msg?: string): Promise<void>;
}

/** What the channel hands a factory for each new connection. */
export interface SocketFactoryInput {
  auth: AuthenticationState;
  /** Baileys asks for a message it must re-encrypt and resend (the recipient failed to decrypt it). */
  getMessage: (key: WAMessageKey) => Promise<proto.IMessage | undefined>;
}

/** Builds one socket per connection attempt (baileys sockets are not reusable after close). */
export type SocketFactory = (input: SocketFactoryInput) => Promise<WaSocket>;

/** Options of the real, baileys-backed socket factory. */
export interface BaileysSocketOptions {
  logger: Logger;
  /** Baileys is chatty: 'warn' in production, 'silent' in tests. */
  baileysLogLevel?: 'warn' | 'silent' | 'error' | 'info' | 'debug';
  /** Override `wss://web.whatsapp.com/ws/chat` (a local test server). */
  waWebSocketUrl?: string;
  /** The linked-device name shown in the phone's "Linked devices" list. */
  browserName?: string;
}

/**
 * The production socket factory: `makeWASocket` with SQLite-backed auth behind baileys' key cache, no online presence on
 * connect (so the phone keeps getting notifications) and no full history sync. It uses the WhatsApp Web version bundled
 * with baileys: fetching the latest version at start-up is a network call we avoid.
 */
export function createBaileysSocketFactory(options: BaileysSocketOptions): SocketFactory {
  const logger = options.logger.child({ module: 'baileys' }, { level: options.baileysLogLevel ?? 'warn' });
  return async ({ auth, getMessage }) => {
    const sock = makeWASocket({
      auth: { creds: auth.creds, keys: makeCacheableSignalKeyStore(auth.keys, logger) },
      logger,
      browser: Browsers.ubuntu(options.browserName ?? 'Tracebot'),
      markOnlineOnConnect: false,
      syncFullHistory: false,
      getMessage,
      ...(options.waWebSocketUrl ? { waWebSocketUrl: options.waWebSocketUrl } : {}),
    });
    // Issue 12: baileys listens for `unexpected-response` itself (so `ws` neither errors nor closes) and then does nothing:
    // a 503 to the upgrade left the attempt "connecting" forever. End it with the HTTP status, like any other close.
    sock.ws.on('unexpected-response', (_req: ClientRequest, res: IncomingMessage) => {
      res.resume();
      void sock.end(new WhatsAppHandshakeRefusedError(res.statusCode ?? 0));
    });
    const socket: WaSocket = sock;
    return socket;
  };
}
