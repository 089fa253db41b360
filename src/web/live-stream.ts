import type { FastifyReply, FastifyRequest } from 'fastify';

/** One open Server-Sent Events response. */
export interface SseConnection {
  /** Send one event; `data` is JSON-encoded. */
  send(event: string, data: unknown): void;
  close(): void;
  readonly closed: boolean;
}

export interface SseOptions {
  heartbeatMs: number;
  /** The browser's reconnect delay after a drop. */
  retryMs: number;
  onClose?: () => void;
}

/**
 * Every open live stream of this process: counted for metrics, and closable at once (a deploy, or a test of a dropped
 * connection). `suspend` makes new streams fail with 503 for a while, as a restarting server or a proxy would.
 */
export class LiveStreams {
  private readonly open = new Set<SseConnection>();
  private suspendedUntil = 0;
  private seq = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  /** Number of open streams. */
  count(): number {
    return this.open.size;
  }

  /** Close every open stream (browsers reconnect by themselves). */
  dropAll(): void {
    for (const c of [...this.open]) c.close();
  }

  /** Refuse new streams for `ms` milliseconds. */
  suspend(ms: number): void {
    this.suspendedUntil = this.clock() + ms;
  }

  /** True while new streams are refused. */
  suspended(): boolean {
    return this.clock() < this.suspendedUntil;
  }

  /** Turn the reply into an event stream: headers, retry hint, heartbeats; returns undefined (after a 503) while suspended. */
  start(req: FastifyRequest, reply: FastifyReply, opts: SseOptions): SseConnection | undefined {
    if (this.suspended()) {
      void reply.code(503).header('retry-after', '1').send();
      return undefined;
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // nginx and similar proxies buffer responses unless told not to: the stream would arrive in lumps.
      'x-accel-buffering': 'no',
    });
    res.write(`retry: ${opts.retryMs}\n\n`);
    let closed = false;
    const conn: SseConnection = {
      send: (event, data) => {
        if (closed) return;
        res.write(`id: ${++this.seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      },
      close: () => {
        if (closed) return;
        closed = true;
        clearInterval(timer);
        this.open.delete(conn);
        opts.onClose?.();
        res.end();
      },
      get closed() {
        return closed;
      },
    };
    // A named event, not an SSE comment: the page's watchdog must see it to know the stream is alive.
    const timer = setInterval(() => conn.send('ping', { at: this.clock() }), opts.heartbeatMs);
    timer.unref();
    req.raw.on('close', () => conn.close());
    this.open.add(conn);
    conn.send('hello', { heartbeatMs: opts.heartbeatMs });
    return conn;
  }
}
