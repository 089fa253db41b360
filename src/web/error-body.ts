import { ERROR_CODES, type ErrorCode } from '../domain/errors.js';

/** The JSON body of every error answer of the web app and the API: a catalogue code, a sentence, and any details. */
export interface ErrorBody {
  error: ErrorCode;
  message: string;
  problems?: unknown[];
}

/** An error body for `code`; the message defaults to the catalogue's description of the code. */
export function errorBody(code: ErrorCode, extra: { message?: string; problems?: unknown[] } = {}): ErrorBody {
  return { error: code, message: extra.message ?? ERROR_CODES[code], ...(extra.problems ? { problems: extra.problems } : {}) };
}

/** The catalogue code of an error answer by HTTP status (for errors that reach the error handler without one). */
export function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'auth:unauthorized';
  if (status === 403) return 'auth:forbidden';
  if (status === 404) return 'http:not_found';
  if (status === 413) return 'http:payload_too_large';
  if (status === 429) return 'http:too_many_requests';
  if (status >= 500) return 'http:internal';
  return 'http:bad_request';
}
