import { CodedError } from '../../domain/errors.js';

/** Why WhatsApp cannot answer right now. */
export type WhatsAppUnavailableReason = 'not_holder' | 'not_open' | 'already_linked';

/** WhatsApp cannot answer right now: this process does not hold the socket, or the socket is not open. Retry later. */
export class WhatsAppUnavailableError extends CodedError {
  override readonly name = 'WhatsAppUnavailableError';

  constructor(
    /** What was attempted, e.g. `checkNumber`. */
    readonly operation: string,
    readonly reason: WhatsAppUnavailableReason,
  ) {
    super(`whatsapp:${reason}`, operation);
  }
}
