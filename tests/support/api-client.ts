import { eventually } from './system.js';

/** A JSON client for the REST API with a bearer token; getters, because tests start a fresh system per test. */
export function apiClient(address: () => string | undefined, token: () => string) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${address()}${path}`, {
      method,
      headers: { authorization: `Bearer ${token()}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  };
}

/** Wait for the next message in `sent()` containing `text`, after the `from.n` already seen; moves `from.n` past it. */
export async function nextMessageWith<T extends { text: string }>(sent: () => T[], text: string, from: { n: number }): Promise<T> {
  const found = await eventually(() => {
    const list = sent();
    const i = list.findIndex((m, idx) => idx >= from.n && m.text.includes(text));
    return i >= 0 ? { i, m: list[i]! } : undefined;
  }, `bot says "${text}"`);
  from.n = found.i + 1;
  return found.m;
}
