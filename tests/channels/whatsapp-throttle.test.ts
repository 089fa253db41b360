import { describe, expect, it } from 'vitest';
import { Throttle } from '../../src/channels/whatsapp/index.js';

/** A fake clock: `sleep` parks until `runAll` moves time to each wake-up in order. */
function fakeTime(start = 1_000_000) {
  let now = start;
  const timers: { at: number; wake: () => void }[] = [];
  return {
    now: () => now,
    sleep: (ms: number) => new Promise<void>((wake) => void timers.push({ at: now + ms, wake })),
    advance: (ms: number) => void (now += ms),
    /** Fire timers in time order until none are left (letting woken code schedule more). */
    async runAll(): Promise<void> {
      for (;;) {
        await new Promise((r) => setImmediate(r));
        if (timers.length === 0) return;
        timers.sort((x, y) => x.at - y.at);
        const next = timers.shift()!;
        now = Math.max(now, next.at);
        next.wake();
      }
    },
  };
}

/** A seeded pseudo-random generator (mulberry32) so jitter is repeatable. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('whatsapp send throttle', () => {
  it('paces a burst of 30 messages to 3 chats within both the per-chat and the per-minute limit', async () => {
    const clock = fakeTime();
    const limits = { perMinute: 20, chatIntervalMs: 4_000, jitterMs: 1_500 };
    const throttle = new Throttle(limits, { now: clock.now, sleep: clock.sleep, random: seeded(42) });
    const chats = ['a', 'b', 'c'];
    const sends: { chat: string; at: number }[] = [];
    // The outbound worker fires all 30 at once; each send starts when its slot comes.
    const all = Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const chat = chats[i % 3]!;
        await throttle.wait(chat);
        sends.push({ chat, at: clock.now() });
      }),
    );
    await clock.runAll();
    await all;
    const times = sends.map((s) => s.at);
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    expect(times).toHaveLength(30);
    // Never more than 20 in any 60 s window.
    for (let i = 0; i + 20 < times.length; i++) expect(times[i + 20]! - times[i]!).toBeGreaterThanOrEqual(60_000);
    // Evenly paced: at least 3 s (60 s / 20) between any two sends.
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(3_000);
    // Per chat at least 4 s apart.
    for (const chat of chats) {
      const mine = sends.filter((s) => s.chat === chat).map((s) => s.at).sort((x, y) => x - y);
      for (let i = 1; i < mine.length; i++) expect(mine[i]! - mine[i - 1]!).toBeGreaterThanOrEqual(4_000);
    }
    // Jitter is bounded: the whole burst ends within the paced minimum plus jitter on every slot.
    expect(times.at(-1)! - 1_000_000).toBeLessThanOrEqual(29 * 3_000 + 30 * 1_500 + 30);
    expect(times.at(-1)! - 1_000_000).toBeGreaterThanOrEqual(29 * 3_000);
  });

  it('keeps one chat to its own interval even when the account is idle', async () => {
    const clock = fakeTime();
    const throttle = new Throttle({ perMinute: 600, chatIntervalMs: 4_000, jitterMs: 0 }, { now: clock.now, sleep: clock.sleep, random: () => 0.5 });
    expect(throttle.reserve('a')).toBe(1_000_000);
    expect(throttle.reserve('b')).toBe(1_000_100);
    expect(throttle.reserve('a')).toBe(1_004_000);
    clock.advance(60_000);
    expect(throttle.reserve('a')).toBe(1_060_000);
  });

  it('adds jitter between 0 and jitterMs', async () => {
    const clock = fakeTime();
    const throttle = new Throttle({ perMinute: 60_000, chatIntervalMs: 0, jitterMs: 1_000 }, { now: clock.now, sleep: clock.sleep, random: () => 0.999 });
    const first = throttle.reserve('a');
    expect(first - 1_000_000).toBeGreaterThanOrEqual(999);
    expect(first - 1_000_000).toBeLessThanOrEqual(1_000);
  });

  it('sends at once when nothing else is waiting', async () => {
    const clock = fakeTime();
    const throttle = new Throttle({ perMinute: 20, chatIntervalMs: 4_000, jitterMs: 0 }, { now: clock.now, sleep: clock.sleep, random: () => 0 });
    expect(await throttle.wait('a')).toBe(1_000_000);
    expect(clock.now()).toBe(1_000_000);
    const second = throttle.wait('a');
    await clock.runAll();
    expect(await second).toBe(1_004_000);
    expect(clock.now()).toBe(1_004_000);
  });
});
