/** How big the seeded inbox is, and how hard the scale run pushes it. */
export interface ScaleSize {
  name: 'full' | 'small';
  conversations: number;
  /** Messages in all; spread 2..18 per conversation around the mean (both directions). */
  messages: number;
  escalations: { open: number; pending: number; resolved: number };
  tracers: number;
  /** Timed requests per page kind, after `warmup` untimed ones. */
  requests: number;
  warmup: number;
  /** Requests in flight at once in the concurrent phase. */
  concurrency: number;
  sseConnections: number;
  sseSeconds: number;
}

/** Issue 6's sizes: 100,000 conversations, 1,000,000 messages, 1,000 live connections. */
export const FULL: ScaleSize = Object.freeze({
  name: 'full',
  conversations: 100_000,
  messages: 1_000_000,
  escalations: Object.freeze({ open: 1_000, pending: 1_000, resolved: 3_000 }),
  tracers: 200,
  requests: 300,
  warmup: 30,
  concurrency: 8,
  sseConnections: 1_000,
  sseSeconds: 20,
}) as ScaleSize;

/** A smoke-test run: seconds, not minutes; its numbers only show that every part works. */
export const SMALL: ScaleSize = Object.freeze({
  name: 'small',
  conversations: 2_000,
  messages: 20_000,
  escalations: Object.freeze({ open: 40, pending: 40, resolved: 120 }),
  tracers: 10,
  requests: 20,
  warmup: 5,
  concurrency: 4,
  sseConnections: 50,
  sseSeconds: 2,
}) as ScaleSize;

/** The named size. */
export function scaleSize(name: 'full' | 'small'): ScaleSize {
  return name === 'full' ? FULL : SMALL;
}
