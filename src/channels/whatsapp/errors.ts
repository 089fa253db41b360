/** WhatsApp cannot answer right now: this process does not hold the socket, or the socket is not open. Retry later. */
export class WhatsAppUnavailableError extends Error {
  override readonly name = 'WhatsAppUnavailableError';

  constructor(
    /** What was attempted, e.g. `checkNumber`. */
    readonly operation: string,
    readonly reason: 'not_holder' | 'not_open' | 'already_linked',
  ) {
    super(`whatsapp ${operation}: ${reason.replace('_', ' ')}`);
  }
}
