import { afterEach, describe, expect, inject, it } from 'vitest';
import { pino } from 'pino';
import type { LinkState } from '../../src/channels/whatsapp/index.js';
import { createTestWhatsApp, type TestWhatsApp } from '../support/fake-wa-socket.js';
import { startRefusingWaServer, type RefusingWaServer } from '../support/refusing-wa-server.js';
import { until } from '../support/eventually.js';

const redisUrl = inject('redisUrl');

/** A pino logger that keeps every line as parsed JSON. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

const waitFor = (ok: () => boolean, what: string, ms = 15_000) => until(ok, what, ms);

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

/** Each gap is about as long as expected (at most 15 % short, less than 2 s long), and they grow where the expectation does. */
function expectGaps(actual: number[], expected: number[]): void {
  const why = `gaps ${actual.join(', ')} ms, expected about ${expected.join(', ')} ms`;
  actual.forEach((gap, i) => {
    expect(gap, why).toBeGreaterThanOrEqual(expected[i]! * 0.85);
    expect(gap, why).toBeLessThan(expected[i]! + 2_000);
  });
  expect(actual[1]! - actual[0]!, why).toBeGreaterThan((expected[1]! - expected[0]!) / 2);
}

describe('the WhatsApp holder keeps trying when the server refuses or never answers (real baileys socket, loopback server)', () => {
  let t: TestWhatsApp | undefined;
  let server: RefusingWaServer | undefined;
  afterEach(async () => {
    await t?.close();
    await server?.close();
    t = undefined;
    server = undefined;
  });

  /** The channel on the production baileys socket factory, pointed at `server`, with short backoff (real timers, no long waits). */
  const startChannel = async (srv: RefusingWaServer, reconnect: { initialMs: number; maxMs: number; attemptTimeoutMs: number }) => {
    const { logger, lines } = capturingLogger();
    t = createTestWhatsApp(redisUrl, { socketFactory: undefined, waWebSocketUrl: srv.url, logger, reconnect });
    const links: LinkState[] = [];
    t.channel.on('link', (s) => links.push(s));
    await t.channel.start(async () => {});
    return { lines, links };
  };

  it('after an HTTP 503 to the upgrade, tries again and again with doubling gaps, logging one line per failed attempt', async () => {
    server = await startRefusingWaServer('refuse503');
    const { lines, links } = await startChannel(server, { initialMs: 200, maxMs: 800, attemptTimeoutMs: 10_000 });
    await waitFor(() => server!.attempts.length >= 6, '6 connection attempts');

    // Backoff 200, 400, 800, 800, 800 ms: growing, then capped. The first gap also holds the first socket's slower build
    // (module warm-up), so the checks start at the second attempt. The server runs in this process, so a busy machine can
    // record an attempt late: each gap may come up to 15 % short.
    expectGaps(gaps(server.attempts.slice(1, 6)), [400, 800, 800, 800]);
    // The cap holds: no gap much longer than the cap (the watchdog, 10 s, never had to fire).

    const failed = lines.filter((l) => l.msg === 'whatsapp connection closed: reconnecting');
    expect(failed.length).toBeGreaterThanOrEqual(4);
    expect(failed.slice(0, 4).map((l) => [l.error, l.statusCode, l.failures])).toEqual([
      ['whatsapp:handshake_refused', 503, 1],
      ['whatsapp:handshake_refused', 503, 2],
      ['whatsapp:handshake_refused', 503, 3],
      ['whatsapp:handshake_refused', 503, 4],
    ]);
    expect(lines.some((l) => l.msg === 'whatsapp connection attempt timed out: reconnecting')).toBe(false);

    // What /admin/whatsapp shows: not "Connecting…" forever, but the failures and the next attempt.
    const retrying = links.filter((s) => s.retry);
    expect(retrying.length).toBeGreaterThanOrEqual(4);
    expect(t!.channel.linkState().retry).toMatchObject({ reason: 'refused', statusCode: 503 });
    expect(t!.channel.linkState().retry!.failures).toBeGreaterThanOrEqual(4);
    expect(links.find((s) => s.retry?.failures === 2)).toMatchObject({ status: 'disconnected', retry: { reason: 'refused', statusCode: 503 } });
  });

  it('gives up an attempt the server accepts but never answers, and tries again with doubling gaps', async () => {
    server = await startRefusingWaServer('hang');
    const { lines, links } = await startChannel(server, { initialMs: 100, maxMs: 400, attemptTimeoutMs: 300 });
    await waitFor(() => server!.attempts.length >= 5, '5 connection attempts');

    // Each gap is the watchdog (300 ms) plus the backoff (100, 200, 400, 400 ms); checked from the second attempt on (see above).
    expectGaps(gaps(server.attempts.slice(1, 5)), [500, 700, 700]);

    const timedOut = lines.filter((l) => l.msg === 'whatsapp connection attempt timed out: reconnecting');
    expect(timedOut.slice(0, 3).map((l) => [l.error, l.failures, l.timeoutMs])).toEqual([
      ['whatsapp:connect_timeout', 1, 300],
      ['whatsapp:connect_timeout', 2, 300],
      ['whatsapp:connect_timeout', 3, 300],
    ]);
    expect(links.find((s) => s.retry?.failures === 2)).toMatchObject({ status: 'disconnected', retry: { reason: 'timeout' } });
    // A hung attempt is dropped once, not again when baileys' own 20 s handshake timeout fires later.
    expect(lines.filter((l) => l.msg === 'whatsapp connection closed: reconnecting')).toEqual([]);
  });
});
