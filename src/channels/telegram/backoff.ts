/** Exponential backoff with full jitter: attempt 1 waits ~minMs, doubling up to maxMs. */
export function backoffMs(attempt: number, retry: { minMs: number; maxMs: number }, random: () => number = Math.random): number {
  const ceiling = Math.min(retry.maxMs, retry.minMs * 2 ** Math.max(0, attempt - 1));
  // Half fixed, half random: never hammers a recovering server in lock-step, never waits less than half the step.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Resolve after `ms`, or reject with an AbortError as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const abortError = () => Object.assign(new Error('aborted'), { name: 'AbortError' });
    if (signal.aborted) return reject(abortError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
