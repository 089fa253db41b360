import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRepositories, type Db } from '../db/index.js';
import type { DemoCounts } from '../domain/repositories/demo.js';
import type { MonitoringPolicy, MonitoringStage } from '../domain/monitoring.js';
import type { Repositories } from '../domain/repositories/index.js';
import { createCases, type ValidCase } from '../services/cases.js';
import { FlowRegistry } from '../services/flow-registry.js';
import { claim, resolve } from '../services/inbox/index.js';
import { StructuredRecords } from '../services/structured-records.js';
import { ConversationService } from '../services/turn/index.js';
import { prng } from '../runtime/prng.js';
import { followContacts } from './demo/monitoring.js';
import { demoRefusal, demoTracers } from './demo/guard.js';
import { interview } from './demo/patient.js';
import { DAY, HOUR, MIN, planCases } from './demo/plan.js';

/**
 * Synthetic Jakarta data for a newcomer: cases confirmed over the last week, interviews driven through the real flow engine
 * (so transcripts, answers, contacts and escalations are exactly what the running system would store), shared contacts,
 * name-variant duplicates and transmission chains. Deterministic for a seed. Refuses a database that holds anything but a
 * previous demo's accounts; its only accounts are three demo tracers nobody can log in as.
 */

export interface DemoOptions {
  now: number;
  seed: number;
  /** Folder holding `case-interview.yaml`, published if no version is in the database yet; default the repo's `flows/`. */
  flowsDir?: string;
  caseCount?: number;
  timezone?: string;
  /** The quarantine policy the demo's contacts are followed under; default 5 days, tests on days 1 and 5, check-in at 08:00. */
  monitoringPolicy?: MonitoringPolicy;
}

/** What the demo wrote: the row counts, and the flow version its chats run on. */
export interface DemoSummary extends DemoCounts {
  flow: { id: string; version: number };
  /** Contacts on the monitoring roster per stage. */
  monitoring: Record<MonitoringStage, number>;
}

export type DemoResult = { ok: true; summary: DemoSummary } | { ok: false; reason: 'not_empty' | 'no_flow'; detail: string };

const FLOW_ID = 'case-interview';

/** Fill an EMPTY database with synthetic demo data (refuses when any account, case or chat exists; see demo/guard.ts). */
export function runDemo(db: Db, opts: DemoOptions): DemoResult {
  const repos = createRepositories(db);
  const refusal = demoRefusal(repos);
  if (refusal) return { ok: false, reason: 'not_empty', detail: refusal };

  const registry = new FlowRegistry(repos);
  let flow = registry.latest(FLOW_ID);
  if (!flow) {
    const file = path.join(opts.flowsDir ?? fileURLToPath(new URL('../../flows', import.meta.url)), `${FLOW_ID}.yaml`);
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch {
      return { ok: false, reason: 'no_flow', detail: `no published ${FLOW_ID} flow and ${file} cannot be read` };
    }
    const published = registry.publish(source, file, { origin: `file:${FLOW_ID}.yaml`, now: opts.now - 8 * DAY });
    if (!published.ok) return { ok: false, reason: 'no_flow', detail: `${file} has errors; run npm run flows:check` };
    flow = registry.latest(FLOW_ID)!;
  }

  const random = prng(opts.seed);
  const plans = planCases(random, opts.now, opts.caseCount ?? 60, opts.timezone ?? 'Asia/Jakarta');
  const service = new ConversationService({ stores: repos, flows: registry, defaultFlow: FLOW_ID, defaultCountry: 'ID' });
  const records = new StructuredRecords(repos);
  const tracers = demoTracers(repos, opts.now - 8 * DAY);
  const escalated: { conversationId: number; at: number }[] = [];
  const lastMessageAt = new Map<string, number>();

  for (const plan of plans) {
    // A contact who becomes a case is confirmed after the interview that named them.
    const sourceDone = lastMessageAt.get(plan.phone);
    if (sourceDone !== undefined && plan.confirmedAt < sourceDone + 6 * HOUR) plan.confirmedAt = Math.min(opts.now - 2 * HOUR, sourceDone + 6 * HOUR + random() * DAY);
    const value: ValidCase = {
      externalId: plan.externalId,
      name: plan.name,
      phone: plan.phone,
      dateOfBirth: plan.dateOfBirth,
      testDate: plan.testDate,
      confirmedAt: plan.confirmedAt,
      language: plan.lang,
      area: plan.area,
    };
    const [created] = createCases(repos, [value], { now: plan.confirmedAt, startCodeTtlMs: 14 * DAY });
    const caseId = created!.id;
    if (plan.outcome === 'unreachable') {
      repos.cases.setStatus(caseId, 'unreachable', plan.confirmedAt + 30 * HOUR);
      continue;
    }
    const firstAt = plan.confirmedAt + plan.delayHours * HOUR;
    if (plan.outcome === 'not_reached' || firstAt > opts.now - 10 * MIN) {
      repos.cases.setStatus(caseId, 'contacting', plan.confirmedAt);
      continue;
    }
    const result = interview(service, plan, { caseId, startCode: created!.startCode!, firstAt, now: opts.now, random, conversationState: (id) => repos.demo.conversationState(id)! });
    for (const contact of plan.contacts) if (contact.phone) lastMessageAt.set(contact.phone, result.lastAt);
    if (result.escalatedAt !== null && result.conversationId !== null) escalated.push({ conversationId: result.conversationId, at: result.escalatedAt });
    settleOutbox(repos, records);
  }

  // With tracers on the team, some escalations are being worked and a few are done, so the inbox and workload look alive.
  if (tracers.length) {
    escalated.forEach((e, k) => {
      const tracer = tracers[k % tracers.length]!;
      const claimAt = Math.min(opts.now - MIN, e.at + (10 + random() * 50) * MIN);
      if (k % 3 === 0) return; // left waiting in the queue
      const claimed = claim(repos, e.conversationId, { id: tracer.id, role: tracer.role }, claimAt);
      if (claimed.ok && k % 3 === 2) resolve(repos, e.conversationId, 'reached', { id: tracer.id, role: tracer.role }, Math.min(opts.now, claimAt + (20 + random() * 60) * MIN));
    });
  }
  const tz = opts.timezone ?? 'Asia/Jakarta';
  const monitoring = followContacts(repos, {
    now: opts.now,
    policy: opts.monitoringPolicy ?? { quarantineDays: 5, entryTestDay: 1, exitTestDay: 5, checkinHour: 8, timeZone: tz },
    random,
    tracerId: tracers[0]?.id ?? null,
    startCodeTtlMs: 14 * DAY,
    notifyFlowVersion: registry.latest('contact-notification')?.version ?? 1,
  });
  settleOutbox(repos, records);
  return { ok: true, summary: { ...repos.demo.counts(), flow: { id: flow.flowId, version: flow.version }, monitoring } };
}


/**
 * Do what the workers would: turn collected contacts and places into registry rows, and mark replies as sent. Nothing is
 * left in the outbox, so starting the app does not message these made-up numbers.
 */
function settleOutbox(repos: Repositories, records: StructuredRecords): void {
  for (const r of repos.demo.undispatchedOutbox()) {
    if (r.kind === 'event') {
      const { event, data } = JSON.parse(r.payload) as { event: string; data: unknown };
      if (event === 'contact.elicited' || event === 'place.visited') records.apply(event, data, r.at);
    }
    repos.demo.markDispatched(r.id, r.at);
  }
  repos.demo.markQueuedSent();
}
