/**
 * Helper process: hold many Server-Sent Events connections to the inbox's live stream, as that many open browser tabs would,
 * and count what arrives on each. Driven over IPC by `SseClients` (sse-hold.ts): `open`, then `report`, then `close`.
 * Live events carry their publish time (epoch ms) as `messageId`, so each arrival gives a fan-out latency.
 */
import http from 'node:http';
import { z } from 'zod';

const Command = z.discriminatedUnion('type', [
  z.object({ type: z.literal('open'), port: z.number().int(), cookie: z.string(), connections: z.number().int().positive(), batch: z.number().int().positive() }),
  z.object({ type: z.literal('report'), expectedEvents: z.number().int().nonnegative() }),
  z.object({ type: z.literal('close') }),
]);
const LiveData = z.object({ messageId: z.number().nullable() }).passthrough();

interface Conn {
  req: http.ClientRequest;
  helloAt: number | null;
  open: boolean;
  live: number;
  pings: number;
  failed: string | null;
}

const conns: Conn[] = [];
const latencies: number[] = [];
let sockets = 0;

function openOne(port: number, cookie: string): Promise<Conn> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/inbox/events', agent: false, headers: { cookie, accept: 'text/event-stream' } });
    const conn: Conn = { req, helloAt: null, open: false, live: 0, pings: 0, failed: null };
    let settled = false;
    const settle = () => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve(conn);
      }
    };
    const timer = setTimeout(() => {
      conn.failed ??= 'no hello within 30 s';
      settle();
    }, 30_000);
    req.on('socket', () => sockets++);
    req.on('error', (e) => {
      conn.failed ??= e.message;
      conn.open = false;
      settle();
    });
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        conn.failed = `status ${res.statusCode}`;
        res.resume();
        settle();
        return;
      }
      conn.open = true;
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (event === 'hello') {
            conn.helloAt = Date.now();
            settle();
          } else if (event === 'ping') conn.pings++;
          else if (event === 'live') {
            conn.live++;
            const at = LiveData.safeParse(JSON.parse(data)).data?.messageId;
            if (typeof at === 'number') latencies.push(Date.now() - at);
          }
        }
      });
      res.on('close', () => {
        conn.open = false;
        settle();
      });
    });
  });
}

function quantile(sorted: number[], q: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

process.on('message', (raw: unknown) => {
  const cmd = Command.parse(raw);
  if (cmd.type === 'open') {
    void (async () => {
      const t0 = Date.now();
      // In batches, as browsers come back after a deploy: a thousand SYNs at once would only test the listen backlog.
      for (let i = 0; i < cmd.connections; i += cmd.batch) {
        const n = Math.min(cmd.batch, cmd.connections - i);
        conns.push(...(await Promise.all(Array.from({ length: n }, () => openOne(cmd.port, cmd.cookie)))));
      }
      const failures = conns.filter((c) => c.failed).map((c) => c.failed!);
      process.send!({ type: 'opened', connected: conns.filter((c) => c.helloAt !== null && c.open).length, failed: failures.length, firstFailure: failures[0] ?? null, ms: Date.now() - t0 });
    })();
  } else if (cmd.type === 'report') {
    const connected = conns.filter((c) => c.helloAt !== null);
    const sorted = latencies.slice().sort((a, b) => a - b);
    process.send!({
      type: 'report',
      attempted: conns.length,
      sockets,
      openAtEnd: conns.filter((c) => c.open).length,
      droppedAfterHello: connected.filter((c) => !c.open).length,
      liveReceived: conns.reduce((s, c) => s + c.live, 0),
      withEveryEvent: conns.filter((c) => c.open && c.live >= cmd.expectedEvents).length,
      pings: conns.reduce((s, c) => s + c.pings, 0),
      fanoutMs: { count: sorted.length, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), p99: quantile(sorted, 0.99), max: quantile(sorted, 1) },
      rssMb: Math.round(process.memoryUsage.rss() / 1024 / 102.4) / 10,
    });
  } else {
    for (const c of conns) c.req.destroy();
    process.send!({ type: 'closed' }, () => process.exit(0));
  }
});
