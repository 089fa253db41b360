import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { parseConfig } from '../../src/config/index.js';
import { createRepositories, openDb, sqliteHandle } from '../../src/db/index.js';
import type { PipelinePort } from '../../src/domain/index.js';
import { getUser, startSession } from '../../src/services/accounts/index.js';
import { createMemoryLiveBus } from '../../src/queue/index.js';
import { buildWebServer } from '../../src/web/index.js';
import { forkTs, nextMessage } from './fork-ts.js';
import { PageClient, ServerTimes, timePages, type KindTimings, type PageKind } from './page-latency.js';
import { prng } from '../../src/runtime/index.js';
import { SCALE_TARGETS, type ScaleResult } from './report.js';
import type { SeedResult } from './seed.js';
import { scaleSize, type ScaleSize } from './sizes.js';
import { explain, SqlProbe } from './sql-probe.js';
import { holdSse } from './sse-hold.js';

const flowsDir = fileURLToPath(new URL('../../flows', import.meta.url));

/** Sizes of one scale run: a named size, with any of its numbers overridden. */
export interface ScaleOptions {
  size: 'full' | 'small';
  requests?: number;
  concurrency?: number;
  sseConnections?: number;
  sseSeconds?: number;
}

/** The soft limit on open files (`ulimit -n`) of this process, from /proc (Linux), or null elsewhere. */
function openFilesLimit(): number | null {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? (m[1] === 'unlimited' ? Infinity : Number(m[1])) : null;
  } catch {
    return null;
  }
}

const rssMb = () => Math.round(process.memoryUsage.rss() / 1024 / 102.4) / 10;
const load1 = () => Math.round(os.loadavg()[0]! * 100) / 100;

/** Seed in a helper process, so this (the server's) process does not carry the loader's heap. */
async function seedInChild(file: string, size: ScaleSize['name'], now: number): Promise<SeedResult> {
  const child = forkTs(new URL('./seed-process.ts', import.meta.url));
  try {
    const reply = nextMessage<{ type: 'seeded'; result: SeedResult }>(child, 'seeded', 1_800_000);
    child.send({ type: 'seed', file, size, flowsDir, now });
    return (await reply).result;
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

/** Worst p95 of the named kinds over the given phases (null when none has samples). */
function worstP95(phases: Record<string, KindTimings>[], kinds: string[]): number | null {
  let worst: number | null = null;
  for (const p of phases) for (const k of kinds) {
    const v = p[k]?.server_ms.p95 ?? null;
    if (v !== null && (worst === null || v > worst)) worst = v;
  }
  return worst;
}

/**
 * Issue 6's scale measurement: seed an inbox of `size` into a fresh SQLite file, serve it with the real web app on
 * 127.0.0.1 (memory live bus, no pipeline), sign in as a tracer, time the queue page, its live fragment and conversation
 * pages at the server (sequential, concurrent, and while the streams are held), then hold `sseConnections` live streams
 * from a separate process while events are published. `log` gets progress lines.
 */
export async function runScaleBench(o: ScaleOptions, log: (line: string) => void = () => {}): Promise<ScaleResult> {
  const started = performance.now();
  const base = scaleSize(o.size);
  const size: ScaleSize = {
    ...base,
    requests: o.requests ?? base.requests,
    concurrency: o.concurrency ?? base.concurrency,
    sseConnections: o.sseConnections ?? base.sseConnections,
    sseSeconds: o.sseSeconds ?? base.sseSeconds,
  };
  const loadAtStart = load1();
  const fdLimit = openFilesLimit();
  log(`scale: ${size.name} size, ${os.availableParallelism()} cores, load ${loadAtStart}, open files limit ${fdLimit ?? 'unknown'}; node ${process.version}`);
  if (fdLimit !== null && fdLimit < size.sseConnections + 200) log(`scale: warning: the open files limit ${fdLimit} is below ${size.sseConnections} streams plus overhead`);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'tracebot-scale-'));
  const file = path.join(dir, 'scale.db');
  const now = Date.now();
  const live = createMemoryLiveBus();
  let app: Awaited<ReturnType<typeof buildWebServer>> | undefined;
  let db: ReturnType<typeof openDb> | undefined;
  let client: PageClient | undefined;
  let sseClients: { close(): Promise<void> } | undefined;
  const probe = new SqlProbe();
  try {
    log(`seed: ${size.conversations} conversations, ${size.messages} messages, ${size.escalations.open + size.escalations.pending + size.escalations.resolved} escalations ...`);
    const seed = await seedInChild(file, size.name, now);
    log(`seed: done in ${seed.seconds} s (${seed.fileMb} MB)`);

    db = openDb(file);
    probe.install(sqliteHandle(db));
    const config = parseConfig(
      { NODE_ENV: 'development', SESSION_SECRET: randomBytes(24).toString('hex'), LOG_LEVEL: 'silent', DATA_DIR: dir, DATABASE_FILE: file, FAKE_CHANNEL: 'off', PATIENT_PHONE_PAGE: 'off' },
      dir,
    );
    const pipeline: PipelinePort = { async flushOutbox() {}, async resume() {} };
    app = await buildWebServer({ config, db, logger: pino({ level: 'silent' }), live, pipeline });
    const times = new ServerTimes(app, probe);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('the web server has no TCP address');
    const port = address.port;

    const user = getUser(createRepositories(db), seed.benchUserId);
    if (!user) throw new Error(`seeded coordinator ${seed.benchUserId} is missing`);
    const { token } = startSession(createRepositories(db), user, Date.now(), '127.0.0.1');
    const cookie = `tb_sid=${encodeURIComponent(app.signCookie(token))}`;
    client = new PageClient(port, cookie, size.concurrency);
    const check = await client.get('/inbox', 'warmup:check');
    if (check.status !== 200) throw new Error(`the signed-in coordinator got ${check.status} for /inbox`);

    const random = prng(61);
    const anyConversation = () => `/inbox/c/${1 + Math.floor(random() * seed.conversations)}`;
    const queuedConversation = () => `/inbox/c/${seed.escalatedConversationIds[Math.floor(random() * seed.escalatedConversationIds.length)]}`;
    const queueKinds: PageKind[] = [
      { name: 'queue_unassigned', url: () => '/inbox?view=unassigned&status=active' },
      { name: 'queue_mine', url: () => '/inbox?view=mine&status=active' },
      { name: 'queue_all', url: () => '/inbox?view=all&status=active' },
      { name: 'queue_all_resolved', url: () => '/inbox?view=all&status=resolved' },
    ];
    const listKinds: PageKind[] = [
      { name: 'list_unassigned', url: () => '/inbox/list?view=unassigned&status=active' },
      { name: 'list_mine', url: () => '/inbox/list?view=mine&status=active' },
      { name: 'list_all', url: () => '/inbox/list?view=all&status=active' },
    ];
    const conversationKinds: PageKind[] = [
      { name: 'conversation_random', url: anyConversation },
      { name: 'conversation_queued', url: queuedConversation },
    ];
    const kinds = [...queueKinds, ...listKinds, ...conversationKinds];

    log(`pages: ${size.requests} requests per kind (${kinds.length} kinds) one at a time, after ${size.warmup} warm-up rounds ...`);
    const sequential = await timePages({ client, times, kinds, requests: size.requests, warmup: size.warmup, concurrency: 1, phase: 'seq', random });
    const topSql = probe.top(8);
    log(`pages: ${size.requests} requests per kind with ${size.concurrency} in flight ...`);
    const concurrent = await timePages({ client, times, kinds, requests: size.requests, warmup: 0, concurrency: size.concurrency, phase: 'conc', random });

    const rssBefore = rssMb();
    log(`sse: opening ${size.sseConnections} live streams from a separate process, holding them ${size.sseSeconds} s with an event every 250 ms ...`);
    let duringSse: Record<string, KindTimings> = {};
    const hold = await holdSse({
      port,
      cookie,
      connections: size.sseConnections,
      seconds: size.sseSeconds,
      everyMs: 250,
      live,
      serverStreams: () => app!.liveStreams.count(),
      log,
      during: async () => {
        duringSse = await timePages({
          client: client!,
          times,
          kinds: [queueKinds[0]!, listKinds[0]!, conversationKinds[0]!],
          requests: Math.max(5, Math.floor(size.requests / 3)),
          warmup: 0,
          concurrency: 1,
          phase: 'sse',
          random,
        });
      },
    });
    sseClients = hold.clients;
    const rssWithStreams = rssMb();
    const sse = hold.result;
    log(`sse: ${sse.connected_at_end}/${sse.connections} still open, ${sse.events_published} events, received ratio ${sse.events_received_ratio}`);
    await hold.clients.close();
    sseClients = undefined;

    // The statements behind the queue page, with the plans SQLite chose for them.
    probe.restore();
    const queuePlans = probe
      .top(100)
      .filter((q) => /from "escalations"/i.test(q.sql))
      .slice(0, 4)
      .map((q) => ({ sql: q.sql, plan: explain(sqliteHandle(db!), q.sql, q.params) }));

    const queueP95 = worstP95([sequential, concurrent], queueKinds.map((k) => k.name));
    const listP95 = worstP95([sequential, concurrent], listKinds.map((k) => k.name));
    const conversationP95 = worstP95([sequential, concurrent], conversationKinds.map((k) => k.name));
    const within = (v: number | null) => v !== null && v <= SCALE_TARGETS.page_p95_max_ms;
    const met = {
      queue_p95: within(queueP95),
      conversation_p95: within(conversationP95),
      list_p95: within(listP95),
      sse: sse.connected_at_end >= SCALE_TARGETS.sse_min && sse.events_received_ratio === 1,
    };
    return {
      conversations: seed.conversations,
      messages: seed.messages,
      queue_p95_ms: queueP95,
      conversation_p95_ms: conversationP95,
      list_p95_ms: listP95,
      sse_connections: sse.connections,
      sse_connected_at_end: sse.connected_at_end,
      sse_events_received_ratio: sse.events_received_ratio,
      rss_mb: rssWithStreams,
      targets: { ...SCALE_TARGETS },
      targets_met: { ...met, all: met.queue_p95 && met.conversation_p95 && met.list_p95 && met.sse },
      params: {
        size: size.name,
        requests: size.requests,
        warmup: size.warmup,
        concurrency: size.concurrency,
        sse_seconds: size.sseSeconds,
        cores: os.availableParallelism(),
        load_avg_1m: loadAtStart,
        load_avg_1m_end: load1(),
        open_files_limit: fdLimit === Infinity ? 'unlimited' : fdLimit,
        node: process.version,
        sqlite_journal: String(db.$client.pragma('journal_mode', { simple: true })),
      },
      seed: { seconds: seed.seconds, file_mb: seed.fileMb, answers: seed.answers, exposures: seed.exposures, escalations: seed.escalations, users: seed.users },
      pages: { sequential, concurrent, during_sse: duringSse },
      sse: {
        ...sse,
        rss_mb_before: rssBefore,
        // The heap left by the page phases may be collected meanwhile: a negative difference says nothing about the streams.
        rss_kb_per_stream: sse.connected_at_end && rssWithStreams >= rssBefore ? Math.round(((rssWithStreams - rssBefore) * 1024) / sse.connected_at_end) : null,
      },
      sql: { top: topSql.map(({ params: _p, ...q }) => q), queue_plans: queuePlans },
      duration_s: Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    probe.restore();
    await sseClients?.close().catch(() => undefined);
    client?.close();
    await app?.close().catch(() => undefined);
    await live.close();
    db?.$client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
