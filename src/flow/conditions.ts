import sift from 'sift';
import { MAX_REGEX_INPUT } from './regex-safety.js';

/**
 * Conditions are MongoDB-style queries (sift) over plain data. They are data, never code: `$where` (which sift would
 * turn into `new Function`) is not among the operators we give sift, so a flow cannot run JavaScript.
 */

type Tester = (value: unknown) => boolean;
type Operations = Record<string, unknown>;
interface SiftModule {
  createQueryTester(query: unknown, options: { operations: Operations }): Tester;
  EqualsOperation: new (test: Tester, ownerQuery: unknown, options: unknown) => unknown;
  [op: `$${string}`]: unknown;
}

/** The operators a condition may use. */
export const CONDITION_OPERATORS = [
  '$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists', '$and', '$or', '$nor', '$not', '$all',
  '$size', '$elemMatch', '$regex', '$options', '$mod', '$type',
] as const;

// sift is CommonJS: its named exports live on the default export (Node's ESM interop does not expose them by name).
const siftModule = sift as unknown as SiftModule;
const operations: Operations = Object.fromEntries(CONDITION_OPERATORS.map((op) => [op, siftModule[op]]));

/**
 * sift's `$regex`, except that it sees at most the first MAX_REGEX_INPUT characters of a text: a long message cannot make
 * a regex that the checker let through (see regex-safety.ts) run for long.
 */
operations.$regex = (pattern: unknown, ownerQuery: Record<string, unknown>, options: unknown) => {
  const flags = Object.prototype.hasOwnProperty.call(ownerQuery, '$options') ? (ownerQuery.$options as string) : undefined;
  const re = pattern instanceof RegExp ? pattern : new RegExp(String(pattern), flags);
  const test: Tester = (value) => {
    if (typeof value !== 'string') return false;
    re.lastIndex = 0;
    return re.test(value.length > MAX_REGEX_INPUT ? value.slice(0, MAX_REGEX_INPUT) : value);
  };
  return new siftModule.EqualsOperation(test, ownerQuery, options);
};

/** Thrown for a condition sift cannot compile (unknown `$operator`, bad `$regex`...). */
export class ConditionError extends Error {
  override name = 'ConditionError';
}

const cache = new WeakMap<object, Tester>();

/** A compiled tester for `condition`, cached by object identity; throws ConditionError when it cannot compile. */
export function compileCondition(condition: Record<string, unknown>): Tester {
  let tester = cache.get(condition);
  if (!tester) {
    try {
      tester = siftModule.createQueryTester(condition, { operations });
    } catch (e) {
      throw new ConditionError(e instanceof Error ? e.message : String(e));
    }
    cache.set(condition, tester);
  }
  return tester;
}

/** True when `data` matches `condition`; throws ConditionError for a condition that cannot compile. */
export function testCondition(condition: Record<string, unknown>, data: Record<string, unknown>): boolean {
  return compileCondition(condition)(data);
}
