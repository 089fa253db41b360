import type { Coordination } from '../../domain/coordination.js';
import type { Logger } from 'pino';
import type { WhatsAppAuthRepository } from '../../domain/repositories/whatsapp-auth.js';
import type { ReconnectOptions } from './reconnect-schedule.js';
import type { ThrottleLimits } from './throttle.js';
import type { SocketFactory } from './wa-socket.js';

/** Everything the WhatsApp channel needs; time, randomness and the socket are injectable for tests. */
export interface WhatsAppChannelOptions {
  /** Where the session's credentials and keys are stored. */
  authStore: WhatsAppAuthRepository;
  /** Names the linked account: its auth rows and its lease. */
  session: string;
  /** The socket lease and the shared link state (Redis in production). */
  coordination: Coordination;
  throttle: ThrottleLimits;
  logger: Logger;
  /** Defaults to the real baileys socket. */
  socketFactory?: SocketFactory;
  /** For the default socket factory: a WhatsApp server URL other than the real one. */
  waWebSocketUrl?: string;
  /** The text of an outbound message we sent, by WhatsApp message id (the ids `send` returns), for baileys' resend requests. */
  getMessage?: (id: string) => Promise<string | undefined>;
  /** Where the terminal QR goes; defaults to stdout so an operator can link from the server console. */
  printQr?: (terminalQr: string) => void;
  /** Time for message timestamps and send pacing (lease timing always uses real time: it races real Redis expiry). */
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Socket-holder lease: ttl, and how often a non-holder tries to take it. Defaults 30 s / 5 s. */
  lock?: { ttlMs?: number; retryMs?: number };
  /** Reconnect backoff after a failed attempt (defaults 1 s doubling to 60 s) and the per-attempt watchdog (45 s). */
  reconnect?: ReconnectOptions;
  /** How long `send` waits for a (re)connecting socket before answering transient. Default 15 s. */
  openWaitMs?: number;
  /** "Typing…" time per character, capped; makes replies look human. Defaults 30 ms/char, 2.5 s. */
  typing?: { msPerChar?: number; maxMs?: number };
}
