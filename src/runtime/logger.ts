import pino, { type Logger } from 'pino';

/** The process logger. Log ids (conversation, job, step), never message text or phone numbers. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'tracebot' },
    // Defence in depth: fields that could carry patient data are masked even if a call site slips.
    redact: { paths: ['text', 'phone', '*.text', '*.phone', 'body', 'content'], censor: '[redacted]' },
  });
}
