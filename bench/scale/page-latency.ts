import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Samples } from '../samples.js';
import type { SqlProbe } from './sql-probe.js';

/** A page the bench times, and how to pick its next URL. */
export interface PageKind {
  name: string;
  url: () => string;
}

type Summary = ReturnType<Samples['summary']>;

/**
 * One kind's timings in one phase: at the server (fastify's elapsed time), in SQL and in CPU time of this process (phase
 * `seq` only, where one request is in flight at a time), and at the client. CPU time does not grow when other processes
 * compete for the cores, so it shows the page's own cost on a loaded machine.
 */
export interface KindTimings {
  server_ms: Summary;
  sql_ms?: Summary;
  cpu_ms?: Summary;
  client_ms: Summary;
  mean_kb: number;
  non_200: number;
}

const HEADER = 'x-bench-kind';

/**
 * Server-side timing of labelled requests: an onRequest/onResponse hook pair on `app` records `reply.elapsedTime` (from the
 * request's arrival at fastify to the response handed to the socket, excluding the network) for requests carrying the bench's
 * label header, and the SQL time spent meanwhile when a probe is given. Add before the app listens.
 */
export class ServerTimes {
  private readonly server = new Map<string, Samples>();
  private readonly sql = new Map<string, Samples>();
  private readonly cpu = new Map<string, Samples>();
  private readonly atStart = new WeakMap<FastifyRequest, { sql: number; cpu: NodeJS.CpuUsage }>();

  constructor(app: FastifyInstance, private readonly probe?: SqlProbe) {
    app.addHook('onRequest', async (req) => {
      const label = req.headers[HEADER];
      // Only one request at a time is in flight in the sequential phase: there, the SQL time in between is this request's.
      if (typeof label === 'string' && label.startsWith('seq:')) this.atStart.set(req, { sql: this.probe?.ms ?? 0, cpu: process.cpuUsage() });
    });
    app.addHook('onResponse', async (req, reply) => {
      const label = req.headers[HEADER];
      if (typeof label !== 'string' || label.startsWith('warmup')) return;
      this.samples(this.server, label).add(reply.elapsedTime);
      const before = this.atStart.get(req);
      if (!before) return;
      if (this.probe) this.samples(this.sql, label).add(this.probe.ms - before.sql);
      const cpu = process.cpuUsage(before.cpu);
      this.samples(this.cpu, label).add((cpu.user + cpu.system) / 1000);
    });
  }

  private samples(map: Map<string, Samples>, label: string): Samples {
    let s = map.get(label);
    if (!s) map.set(label, (s = new Samples()));
    return s;
  }

  /** Server-side samples of a label. */
  serverOf(label: string): Samples {
    return this.samples(this.server, label);
  }

  /** SQL-time samples of a label (empty when no probe). */
  sqlOf(label: string): Samples {
    return this.samples(this.sql, label);
  }

  /** CPU-time samples of a label (phase `seq` only). */
  cpuOf(label: string): Samples {
    return this.samples(this.cpu, label);
  }
}

/** A keep-alive HTTP client for the bench's page requests (one signed-in coordinator). */
export class PageClient {
  private readonly agent: http.Agent;

  constructor(private readonly port: number, private readonly cookie: string, maxSockets: number) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  /** GET `url` labelled `label`; resolves with the status, body size and client-side milliseconds. */
  get(url: string, label: string): Promise<{ status: number; bytes: number; ms: number }> {
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: this.port, path: url, agent: this.agent, headers: { cookie: this.cookie, accept: 'text/html', [HEADER]: label } }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ms: performance.now() - t0 }));
        res.on('error', reject);
      });
      req.on('error', reject);
    });
  }

  /** Close idle sockets. */
  close(): void {
    this.agent.destroy();
  }
}

interface ClientSide {
  client: Samples;
  bytes: number;
  non200: number;
}

/**
 * Time `kinds` against the server: `warmup` untimed rounds, then `requests` rounds. With `concurrency` 1 the kinds are
 * interleaved one request at a time; otherwise that many requests are in flight, in a shuffled order. Labels are
 * `${phase}:${kind}`.
 */
export async function timePages(o: {
  client: PageClient;
  times: ServerTimes;
  kinds: PageKind[];
  requests: number;
  warmup: number;
  concurrency: number;
  phase: string;
  random: () => number;
}): Promise<Record<string, KindTimings>> {
  const side = new Map<string, ClientSide>(o.kinds.map((k) => [k.name, { client: new Samples(), bytes: 0, non200: 0 }]));
  for (let w = 0; w < o.warmup; w++) for (const k of o.kinds) await o.client.get(k.url(), `warmup:${k.name}`);
  const jobs: PageKind[] = [];
  for (let r = 0; r < o.requests; r++) jobs.push(...o.kinds);
  if (o.concurrency > 1) {
    for (let i = jobs.length - 1; i > 0; i--) {
      const j = Math.floor(o.random() * (i + 1));
      [jobs[i], jobs[j]] = [jobs[j]!, jobs[i]!];
    }
  }
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const k = jobs[next++]!;
      const r = await o.client.get(k.url(), `${o.phase}:${k.name}`);
      const s = side.get(k.name)!;
      s.client.add(r.ms);
      s.bytes += r.bytes;
      if (r.status !== 200) s.non200++;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, worker));
  const out: Record<string, KindTimings> = {};
  for (const k of o.kinds) {
    const s = side.get(k.name)!;
    const sql = o.times.sqlOf(`${o.phase}:${k.name}`);
    const cpu = o.times.cpuOf(`${o.phase}:${k.name}`);
    out[k.name] = {
      server_ms: o.times.serverOf(`${o.phase}:${k.name}`).summary(),
      ...(sql.count ? { sql_ms: sql.summary() } : {}),
      ...(cpu.count ? { cpu_ms: cpu.summary() } : {}),
      client_ms: s.client.summary(),
      mean_kb: Math.round(s.bytes / Math.max(1, s.client.count) / 102.4) / 10,
      non_200: s.non200,
    };
  }
  return out;
}
