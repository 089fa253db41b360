import type { LogSink } from '../../domain/log-event.js';

/** The slice of a pino logger the adapter uses (a pino Logger fits); every line goes through `logEvent`: ids and codes only. */
export type TelegramLogger = LogSink;
