/**
 * Poll until `probe` returns a value (not undefined), or fail after `timeoutMs`. A probe that throws is tried again (the
 * last error is in the failure message). `pollMs` is the pause between tries.
 */
export async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 10_000, pollMs = 20): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (error) {
      last = error;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Poll until `ok()` is true, or fail after `timeoutMs`. */
export async function until(ok: () => boolean, what: string, timeoutMs = 10_000, pollMs = 10): Promise<void> {
  await eventually(() => (ok() ? true : undefined), what, timeoutMs, pollMs);
}
