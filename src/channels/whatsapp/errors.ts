import { ChannelUnavailableError, CodedError } from '../../domain/errors.js';

/**
 * The server answered the WebSocket upgrade with an HTTP error (503 when WhatsApp is overloaded). Shaped like baileys' Boom
 * errors (`output.statusCode`, here the HTTP status) so it closes the attempt like any other disconnect.
 */
export class WhatsAppHandshakeRefusedError extends CodedError {
  override readonly name = 'WhatsAppHandshakeRefusedError';
  readonly output: { statusCode: number };

  constructor(readonly httpStatus: number) {
    super('whatsapp:handshake_refused', 'connect', { detail: `HTTP ${httpStatus}` });
    this.output = { statusCode: httpStatus };
  }
}

/** Why WhatsApp cannot answer right now. */
export type WhatsAppUnavailableReason = 'not_holder' | 'not_open' | 'already_linked';

/** WhatsApp cannot answer right now: this process does not hold the socket, or the socket is not open. Retry later. */
export class WhatsAppUnavailableError extends ChannelUnavailableError {
  override readonly name = 'WhatsAppUnavailableError';

  constructor(
    /** What was attempted, e.g. `checkNumber`. */
    readonly operation: string,
    readonly reason: WhatsAppUnavailableReason,
  ) {
    super(`whatsapp:${reason}`, operation);
  }
}
