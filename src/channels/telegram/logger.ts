/** The slice of a pino logger the adapter uses (a pino Logger fits). Objects carry ids only, never text or phone numbers. */
export interface TelegramLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
