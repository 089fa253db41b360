import type { KindTimings } from './page-latency.js';
import type { SseHoldResult } from './sse-hold.js';

/** Issue 6's scale targets: pages under 50 ms at the server (p95), 1,000 live streams held. */
export const SCALE_TARGETS = Object.freeze({ page_p95_max_ms: 50, sse_min: 1000 });

/** The scale run's result: printed as the last line with `--scale --json`. */
export interface ScaleResult {
  conversations: number;
  messages: number;
  /** Worst p95 at the server over the queue page's views (mine, unassigned, all; resolved), sequential and concurrent. */
  queue_p95_ms: number | null;
  /** Worst p95 at the server of a conversation page (random conversations, and ones from the queue). */
  conversation_p95_ms: number | null;
  /** Worst p95 at the server of the queue's live-refresh fragment `/inbox/list`. */
  list_p95_ms: number | null;
  sse_connections: number;
  sse_connected_at_end: number;
  sse_events_received_ratio: number;
  /** The web server process's RSS with every stream open (the SSE clients run in their own process). */
  rss_mb: number;
  targets: { page_p95_max_ms: number; sse_min: number };
  targets_met: { queue_p95: boolean; conversation_p95: boolean; list_p95: boolean; sse: boolean; all: boolean };
  params: Record<string, string | number | boolean | null>;
  seed: { seconds: number; file_mb: number; answers: number; exposures: number; escalations: { open: number; pending: number; resolved: number }; users: number };
  pages: { sequential: Record<string, KindTimings>; concurrent: Record<string, KindTimings>; during_sse: Record<string, KindTimings> };
  sse: SseHoldResult & { rss_mb_before: number; rss_kb_per_stream: number | null };
  /** Where the sequential phase's SQL time went, and the plans of the queue's statements. */
  sql: { top: { sql: string; calls: number; total_ms: number; mean_ms: number }[]; queue_plans: { sql: string; plan: string[] }[] };
  duration_s: number;
}

const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
const fmt = (v: number | null) => (v === null ? 'n/a' : `${v} ms`);

function pageLines(title: string, pages: Record<string, KindTimings>): string[] {
  return [
    `  ${title}:`,
    ...Object.entries(pages).map(
      ([k, t]) =>
        `    ${k.padEnd(22)} server p50 ${t.server_ms.p50} / p95 ${t.server_ms.p95} / p99 ${t.server_ms.p99} ms${t.sql_ms ? ` (sql p50 ${t.sql_ms.p50} / p95 ${t.sql_ms.p95})` : ''}${t.cpu_ms ? ` (cpu p50 ${t.cpu_ms.p50} / p95 ${t.cpu_ms.p95})` : ''}; client p95 ${t.client_ms.p95} ms; ${t.mean_kb} KB${t.non_200 ? `; ${t.non_200} not 200` : ''}`,
    ),
  ];
}

/** The human-readable summary printed after the scale run. */
export function formatScaleSummary(r: ScaleResult): string[] {
  const s = r.sse;
  return [
    '',
    `data         ${r.conversations} conversations, ${r.messages} messages, ${r.seed.answers} answers, ${r.seed.exposures} exposures, escalations ${r.seed.escalations.open} open / ${r.seed.escalations.pending} pending / ${r.seed.escalations.resolved} resolved; ${r.seed.file_mb} MB file, seeded in ${r.seed.seconds} s`,
    `queue page   p95 ${fmt(r.queue_p95_ms)} at the server, worst view of sequential and concurrent (target <= ${r.targets.page_p95_max_ms}: ${mark(r.targets_met.queue_p95)})`,
    `queue list   p95 ${fmt(r.list_p95_ms)} (target <= ${r.targets.page_p95_max_ms}: ${mark(r.targets_met.list_p95)})`,
    `conversation p95 ${fmt(r.conversation_p95_ms)} (target <= ${r.targets.page_p95_max_ms}: ${mark(r.targets_met.conversation_p95)})`,
    `live streams ${r.sse_connected_at_end}/${r.sse_connections} connected at the end of ${s.hold_s} s (server counts ${s.server_streams_at_end}); ${s.events_published} events, received ratio ${r.sse_events_received_ratio}; fan-out p50 ${fmt(s.fanout_ms.p50)}, p99 ${fmt(s.fanout_ms.p99)} (target >= ${r.targets.sse_min} held: ${mark(r.targets_met.sse)})`,
    `memory       server RSS ${r.rss_mb} MB with the streams open (${s.rss_mb_before} MB before, ${s.rss_kb_per_stream ?? 'n/a'} KB per stream); client process ${s.client_process_rss_mb} MB`,
    ...pageLines('sequential (one request at a time)', r.pages.sequential),
    ...pageLines(`concurrent (${r.params.concurrency} in flight)`, r.pages.concurrent),
    ...pageLines('during the live-stream hold', r.pages.during_sse),
    '  slowest SQL (sequential phase, total ms):',
    ...r.sql.top.map((q) => `    ${q.total_ms} ms = ${q.calls} x ${q.mean_ms} ms  ${q.sql.length > 150 ? `${q.sql.slice(0, 147)}...` : q.sql}`),
    '  queue query plans:',
    ...r.sql.queue_plans.flatMap((p) => [`    ${p.sql.length > 150 ? `${p.sql.slice(0, 147)}...` : p.sql}`, ...p.plan.map((l) => `      ${l}`)]),
    `machine      ${r.params.cores} cores, load ${r.params.load_avg_1m} at start / ${r.params.load_avg_1m_end} at end, open files limit ${r.params.open_files_limit}`,
    `duration     ${r.duration_s} s`,
  ];
}
