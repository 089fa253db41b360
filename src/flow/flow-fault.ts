import type { ErrorCode } from '../domain/errors.js';

/** A problem inside the flow (not a bug in the engine): it becomes an `error` event with an `area:reason` code. */
export class FlowFault extends Error {
  override name = 'FlowFault';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly step: string | null,
  ) {
    super(message);
  }
}
