import { CodedError, type ErrorCode } from './errors.js';

/**
 * One way to log that cannot leak a patient's words: an event name that is a string literal in the code, and fields that
 * are numbers, booleans, catalogue codes, string literals or values marked as ids with `logId`. A `string` variable (a
 * message text, a name, a phone number) does not compile as a field; errors go through `errorFields`, which keeps the
 * code, what was attempted, the error's class name and its stack frames, never its message.
 */

/** The part of a logger this helper writes to (a pino `Logger` fits). */
export interface LogSink {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A string known to be an identifier (a chat id, an outbox id, a job id), never text a person wrote. */
export type LogId = string & { readonly __logId: true };

/** Marks `value` as an identifier; a value that is not shaped like one (spaces, over 200 characters) is logged as `[not-an-id]`. */
export function logId(value: string | number): LogId {
  const s = String(value);
  return (ID_SHAPE.test(s) ? s : '[not-an-id]') as LogId;
}

const ID_SHAPE = /^[\w.:@+/#=-]{0,200}$/;

type Scalar = number | bigint | boolean | null | undefined;
type FieldValue = Scalar | string | readonly (Scalar | string)[];
/** True when `X` admits strings that are not spelled out in the code (`string`, `` `a${string}` ``). */
type IsFreeText<X> = [X] extends [never] ? false : {} extends Record<X & string, 1> ? true : false;
/** Rejects (as `never`) every field whose type admits free text: only literals, codes and `LogId`s get through. */
type NoFreeText<F> = {
  [K in keyof F]: F[K] extends readonly (infer E)[]
    ? IsFreeText<Exclude<E, Scalar | LogId>> extends true ? never : F[K]
    : IsFreeText<Exclude<F[K], Scalar | LogId>> extends true ? never : F[K];
};
/** The event name: a string literal, not a computed string. */
type EventName<N extends string> = IsFreeText<N> extends true ? never : N;

/** The fields of one log line: ids, counts, flags, names and codes. */
export type LogFields = Record<string, FieldValue>;

/** Writes one log line at `level`: `event` is the line's message, `fields` its structured part. */
export function logEvent<const N extends string, const F extends LogFields>(
  sink: LogSink,
  level: 'debug' | 'info' | 'warn' | 'error',
  event: EventName<N>,
  fields: F & NoFreeText<F> = {} as F & NoFreeText<F>,
): void {
  sink[level]({ ...fields }, event);
}

/** The loggable part of anything thrown: the catalogue code and what was attempted, else the class name, plus the stack frames. */
export function errorFields(err: unknown): { error?: ErrorCode; attempted?: LogId; errName: LogId; stack?: LogId } {
  const name = err instanceof Error ? err.name : typeof err;
  // The first stack line repeats the message (which may quote a payload); the frames are file positions only.
  const frames = err instanceof Error && err.stack ? err.stack.split('\n').slice(1).map((l) => l.trim()).join(' | ') : undefined;
  return {
    ...(err instanceof CodedError ? { error: err.code, attempted: logId(err.attempted) } : {}),
    errName: logId(name),
    ...(frames ? { stack: frames as LogId } : {}),
  };
}
