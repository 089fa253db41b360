import type { ChildProcess } from 'node:child_process';
import type { LiveBus } from '../../src/domain/index.js';
import { forkTs, nextMessage } from './fork-ts.js';

interface Opened {
  type: 'opened';
  connected: number;
  failed: number;
  firstFailure: string | null;
  ms: number;
}

interface Report {
  type: 'report';
  attempted: number;
  sockets: number;
  openAtEnd: number;
  droppedAfterHello: number;
  liveReceived: number;
  withEveryEvent: number;
  pings: number;
  fanoutMs: { count: number; p50: number | null; p95: number | null; p99: number | null; max: number | null };
  rssMb: number;
}

/** What the live-stream hold saw, from the clients' side and the server's. */
export interface SseHoldResult {
  connections: number;
  connected_after_ramp: number;
  ramp_ms: number;
  first_failure: string | null;
  /** Streams the clients still had open when the hold ended (and the server's own count). */
  connected_at_end: number;
  server_streams_at_end: number;
  dropped: number;
  events_published: number;
  /** Live events received over (connections x events published): 1 when every stream got every event. */
  events_received_ratio: number;
  connections_with_every_event: number;
  /** Publish -> arrival at the client, over every delivery. */
  fanout_ms: Report['fanoutMs'];
  hold_s: number;
  client_process_rss_mb: number;
}

/** The SSE client process: opens the streams, reports, closes. */
export class SseClients {
  private readonly child: ChildProcess;

  constructor() {
    this.child = forkTs(new URL('./sse-client-process.ts', import.meta.url));
  }

  /** Open `connections` streams (in batches) with the signed-in coordinator's cookie; resolves when all have their `hello` or failed. */
  async open(port: number, cookie: string, connections: number, batch = 100): Promise<Opened> {
    const reply = nextMessage<Opened>(this.child, 'opened');
    this.child.send({ type: 'open', port, cookie, connections, batch });
    return reply;
  }

  /** Counts so far. */
  async report(expectedEvents: number): Promise<Report> {
    const reply = nextMessage<Report>(this.child, 'report', 60_000);
    this.child.send({ type: 'report', expectedEvents });
    return reply;
  }

  /** Drop every stream and end the process. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const done = nextMessage(this.child, 'closed', 30_000).catch(() => undefined);
    this.child.send({ type: 'close' });
    await done;
    if (this.child.exitCode === null) this.child.kill();
  }
}

/**
 * Hold `connections` live streams for `seconds` while an event is published on `live` every `everyMs` (each carries its
 * publish time as `messageId`); `during` runs meanwhile (page timings under the same load). The streams stay open for the
 * caller to inspect until `clients.close()`.
 */
export async function holdSse(o: {
  port: number;
  cookie: string;
  connections: number;
  seconds: number;
  everyMs: number;
  live: LiveBus;
  serverStreams: () => number;
  during?: () => Promise<void>;
  log: (line: string) => void;
}): Promise<{ result: SseHoldResult; clients: SseClients }> {
  const clients = new SseClients();
  try {
    const opened = await clients.open(o.port, o.cookie, o.connections);
    o.log(`sse: ${opened.connected}/${o.connections} streams open after ${opened.ms} ms${opened.failed ? `, ${opened.failed} failed (first: ${opened.firstFailure})` : ''}; server counts ${o.serverStreams()}`);
    let published = 0;
    let seq = 0;
    const t0 = Date.now();
    const timer = setInterval(() => {
      published++;
      void o.live.publish({ type: 'message.created', conversationId: ++seq, messageId: Date.now(), at: Date.now() });
    }, o.everyMs);
    const during = o.during?.();
    await new Promise((r) => setTimeout(r, o.seconds * 1000));
    clearInterval(timer);
    await during;
    // Let the last event reach every client.
    await new Promise((r) => setTimeout(r, 1000));
    const report = await clients.report(published);
    const serverStreams = o.serverStreams();
    return {
      clients,
      result: {
        connections: o.connections,
        connected_after_ramp: opened.connected,
        ramp_ms: opened.ms,
        first_failure: opened.firstFailure,
        connected_at_end: report.openAtEnd,
        server_streams_at_end: serverStreams,
        dropped: report.droppedAfterHello,
        events_published: published,
        events_received_ratio: published && o.connections ? Math.round((report.liveReceived / (published * o.connections)) * 10_000) / 10_000 : 0,
        connections_with_every_event: report.withEveryEvent,
        fanout_ms: report.fanoutMs,
        hold_s: Math.round((Date.now() - t0) / 100) / 10,
        client_process_rss_mb: report.rssMb,
      },
    };
  } catch (e) {
    await clients.close();
    throw e;
  }
}
