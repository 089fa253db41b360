import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InboundMessage } from '../domain/channel.js';
import { createRepositories, type Db } from '../db/index.js';
import { addDays, localDate } from '../flow/answers/index.js';
import type { ConversationState } from '../flow/types.js';
import { createCases, type ValidCase } from '../services/cases.js';
import { FlowRegistry } from '../services/flow-registry.js';
import { claim, resolve } from '../services/inbox/index.js';
import { StructuredRecords } from '../services/structured-records.js';
import { ConversationService } from '../services/turn/index.js';
import { prng } from '../runtime/prng.js';

/**
 * Synthetic Jakarta data for a newcomer: cases confirmed over the last week, interviews driven through the real flow engine
 * (so transcripts, answers, contacts and escalations are exactly what the running system would store), shared contacts,
 * name-variant duplicates and transmission chains. Deterministic for a seed. No accounts are created here.
 */

export interface DemoOptions {
  now: number;
  seed: number;
  /** Folder holding `case-interview.yaml`, published if no version is in the database yet; default the repo's `flows/`. */
  flowsDir?: string;
  caseCount?: number;
  timezone?: string;
}

export interface DemoSummary {
  cases: number;
  conversations: number;
  completed: number;
  inProgress: number;
  notReached: number;
  unreachable: number;
  optedOut: number;
  escalations: { open: number; pending: number; resolved: number };
  contacts: number;
  exposures: number;
  chains: number;
  flow: { id: string; version: number };
}

export type DemoResult = { ok: true; summary: DemoSummary } | { ok: false; reason: 'not_empty' | 'no_flow'; detail: string };

const FLOW_ID = 'case-interview';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MIN = 60_000;

type Outcome = 'completed' | 'in_progress' | 'breathing' | 'asked' | 'callback' | 'identity' | 'unreachable' | 'opted_out' | 'not_reached';

// 60 cases' outcomes, shuffled per seed; the proportions of a programme that is coping but behind.
const OUTCOMES: [Outcome, number][] = [
  ['completed', 32],
  ['in_progress', 7],
  ['breathing', 4],
  ['asked', 4],
  ['callback', 3],
  ['identity', 2],
  ['unreachable', 4],
  ['opted_out', 2],
  ['not_reached', 2],
];

const FIRST_F = ['Siti', 'Dewi', 'Ayu', 'Rina', 'Putri', 'Sri', 'Nur', 'Indah', 'Wulan', 'Fitri', 'Ratna', 'Yuni', 'Lestari', 'Maya', 'Intan', 'Kartika', 'Nurul', 'Dian', 'Eka', 'Rahma'];
const FIRST_M = ['Budi', 'Agus', 'Joko', 'Andi', 'Eko', 'Rudi', 'Ahmad', 'Dedi', 'Hendra', 'Bambang', 'Fajar', 'Rizki', 'Yusuf', 'Dimas', 'Arif', 'Teguh', 'Wahyu', 'Irfan', 'Bayu', 'Hadi'];
const LAST = ['Santoso', 'Wijaya', 'Saputra', 'Lestari', 'Hidayat', 'Kurniawan', 'Setiawan', 'Pratama', 'Siregar', 'Nasution', 'Hasibuan', 'Simanjuntak', 'Gunawan', 'Susanto', 'Rahmawati', 'Purnomo', 'Halim', 'Sitompul', 'Wibowo', 'Utami', 'Ramadhan', 'Harahap', 'Manurung', 'Tanjung'];
const AREAS: Record<string, string[]> = {
  'Jakarta Selatan': ['Kebayoran Baru', 'Kebayoran Lama', 'Cilandak', 'Pasar Minggu', 'Jagakarsa', 'Mampang Prapatan', 'Pancoran', 'Tebet', 'Setiabudi', 'Pesanggrahan'],
  'Jakarta Timur': ['Cakung', 'Duren Sawit', 'Jatinegara', 'Kramat Jati', 'Makasar', 'Matraman', 'Pasar Rebo', 'Ciracas', 'Cipayung', 'Pulo Gadung'],
  'Jakarta Barat': ['Cengkareng', 'Grogol Petamburan', 'Kalideres', 'Kebon Jeruk', 'Kembangan', 'Palmerah', 'Taman Sari', 'Tambora'],
  'Jakarta Utara': ['Cilincing', 'Kelapa Gading', 'Koja', 'Pademangan', 'Penjaringan', 'Tanjung Priok'],
  'Jakarta Pusat': ['Cempaka Putih', 'Gambir', 'Johar Baru', 'Kemayoran', 'Menteng', 'Sawah Besar', 'Senen', 'Tanah Abang'],
};
const MOBILE_PREFIXES = ['811', '812', '813', '821', '822', '823', '852', '853', '814', '815', '816', '855', '856', '857', '858', '817', '818', '819', '859', '877', '878', '895', '896', '897', '898', '881', '882', '887', '888'];
const SETTINGS: { value: string; id: string; en: string; weight: number }[] = [
  { value: 'household', id: 'serumah', en: 'same household', weight: 5 },
  { value: 'workplace', id: 'kantor', en: 'office', weight: 3 },
  { value: 'transport', id: 'krl', en: 'train', weight: 1 },
  { value: 'social', id: 'arisan', en: 'party', weight: 1 },
  { value: 'worship', id: 'masjid', en: 'mosque', weight: 1 },
];
const PLACES = ['Pasar Minggu', 'Masjid Istiqlal', 'Stasiun Manggarai', 'Mall Kota Kasablanka', 'Warung Padang Sederhana, Tebet', 'Kantor Kelurahan Cakung Barat', 'Gereja Katedral', 'Pasar Tanah Abang', 'Puskesmas Kecamatan Koja'];

interface ContactPlan {
  name: string;
  phone: string | null;
  setting: (typeof SETTINGS)[number];
  symptoms: boolean;
}

interface CasePlan {
  externalId: string;
  name: string;
  phone: string;
  dateOfBirth: string | null;
  area: string;
  testDate: string;
  confirmedAt: number;
  lang: 'id' | 'en';
  channel: 'telegram' | 'whatsapp';
  outcome: Outcome;
  symptoms: boolean;
  contacts: ContactPlan[];
  places: string[];
  /** Hours from confirmation to the patient's first message. */
  delayHours: number;
  /** For in_progress / asked / opted_out: how many answers before stopping or asking. */
  stopAfter: number;
}


/** Fill an EMPTY database with synthetic demo data (refuses when any case exists). */
export function runDemo(db: Db, opts: DemoOptions): DemoResult {
  const existing = (db.$client.prepare(`SELECT count(*) AS n FROM cases`).get() as { n: number }).n;
  if (existing > 0) return { ok: false, reason: 'not_empty', detail: `the database already holds ${existing} cases; the demo only fills an empty one` };

  const registry = new FlowRegistry(db);
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
  const stores = createRepositories(db);
  const service = new ConversationService({ stores, flows: registry, defaultFlow: FLOW_ID, defaultCountry: 'ID' });
  const records = new StructuredRecords(stores);
  const tracers = db.$client.prepare(`SELECT id, role FROM users WHERE active = 1 AND role = 'tracer' ORDER BY id`).all() as { id: number; role: 'tracer' }[];
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
    const [created] = createCases(db, [value], { now: plan.confirmedAt, startCodeTtlMs: 14 * DAY });
    const caseId = created!.id;
    const c = db.$client;
    if (plan.outcome === 'unreachable') {
      c.prepare(`UPDATE cases SET status = 'unreachable', updated_at = ? WHERE id = ?`).run(plan.confirmedAt + 30 * HOUR, caseId);
      continue;
    }
    const firstAt = plan.confirmedAt + plan.delayHours * HOUR;
    if (plan.outcome === 'not_reached' || firstAt > opts.now - 10 * MIN) {
      c.prepare(`UPDATE cases SET status = 'contacting', updated_at = ? WHERE id = ?`).run(plan.confirmedAt, caseId);
      continue;
    }
    const result = interview(service, plan, { caseId, startCode: created!.startCode!, firstAt, now: opts.now, random, db });
    for (const contact of plan.contacts) if (contact.phone) lastMessageAt.set(contact.phone, result.lastAt);
    if (result.escalatedAt !== null && result.conversationId !== null) escalated.push({ conversationId: result.conversationId, at: result.escalatedAt });
    settleOutbox(db, records);
  }

  // With tracers on the team, some escalations are being worked and a few are done, so the inbox and workload look alive.
  if (tracers.length) {
    escalated.forEach((e, k) => {
      const tracer = tracers[k % tracers.length]!;
      const claimAt = Math.min(opts.now - MIN, e.at + (10 + random() * 50) * MIN);
      if (k % 3 === 0) return; // left waiting in the queue
      const claimed = claim(db, e.conversationId, { id: tracer.id, role: tracer.role }, claimAt);
      if (claimed.ok && k % 3 === 2) resolve(db, e.conversationId, 'reached', { id: tracer.id, role: tracer.role }, Math.min(opts.now, claimAt + (20 + random() * 60) * MIN));
    });
  }
  return { ok: true, summary: summarise(db, { id: flow.flowId, version: flow.version }) };
}

function planCases(random: () => number, now: number, n: number, tz: string): CasePlan[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const usedPhones = new Set<string>();
  const phone = (): string => {
    for (;;) {
      const p = `+62${pick(MOBILE_PREFIXES)}${String(Math.floor(random() * 1e8)).padStart(8, '0')}`;
      if (!usedPhones.has(p)) {
        usedPhones.add(p);
        return p;
      }
    }
  };
  const person = () => {
    const female = random() < 0.5;
    return `${pick(female ? FIRST_F : FIRST_M)} ${pick(LAST)}`;
  };
  const area = () => {
    const city = pick(Object.keys(AREAS));
    return `${pick(AREAS[city]!)}, ${city}`;
  };
  const setting = () => {
    const total = SETTINGS.reduce((s, x) => s + x.weight, 0);
    let r = random() * total;
    for (const s of SETTINGS) if ((r -= s.weight) < 0) return s;
    return SETTINGS[0]!;
  };

  const outcomes: Outcome[] = [];
  for (const [o, k] of OUTCOMES) for (let i = 0; i < Math.round((k * n) / 60); i++) outcomes.push(o);
  while (outcomes.length < n) outcomes.push('completed');
  outcomes.length = n;
  for (let i = outcomes.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [outcomes[i], outcomes[j]] = [outcomes[j]!, outcomes[i]!];
  }

  const plans: CasePlan[] = [];
  for (let i = 0; i < n; i++) {
    // More cases lately: the curve of a wave that is growing.
    const ageDays = 7 * (1 - Math.sqrt(random()));
    const confirmedAt = Math.round(now - ageDays * DAY - 30 * MIN);
    const today = localDate(confirmedAt, tz);
    const age = 18 + Math.floor(random() * 60);
    plans.push({
      externalId: '',
      name: person(),
      phone: phone(),
      dateOfBirth: random() < 0.8 ? addDays(`${Number(today.slice(0, 4)) - age}-01-01`, Math.floor(random() * 365)) : null,
      area: area(),
      testDate: addDays(today, -1 - Math.floor(random() * 2)),
      confirmedAt,
      lang: random() < 0.15 ? 'en' : 'id',
      channel: random() < 0.65 ? 'telegram' : 'whatsapp',
      outcome: outcomes[i]!,
      symptoms: random() < 0.7,
      contacts: [],
      places: random() < 0.5 ? [pick(PLACES)] : [],
      delayHours: random() < 0.8 ? 0.3 + random() * 18 : 20 + random() * 24,
      stopAfter: 3 + Math.floor(random() * 8),
    });
  }
  plans.sort((a, b) => a.confirmedAt - b.confirmedAt);
  plans.forEach((p, i) => {
    p.externalId = `DKI-${localDate(p.confirmedAt, tz).slice(2).replace(/-/g, '')}-${String(i + 1).padStart(3, '0')}`;
  });

  const counts = [0, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6];
  for (const p of plans) {
    const k = pick(counts);
    for (let j = 0; j < k; j++) p.contacts.push({ name: person(), phone: random() < 0.75 ? phone() : null, setting: setting(), symptoms: random() < 0.15 });
  }
  // People several patients name: one contact record (same phone), several exposures.
  const completedIdx = plans.map((p, i) => (p.outcome === 'completed' ? i : -1)).filter((i) => i >= 0);
  for (let s = 0; s < 4; s++) {
    const shared: ContactPlan = { name: person(), phone: phone(), setting: SETTINGS[1]!, symptoms: false };
    for (const i of [completedIdx[s * 2 + 1], completedIdx[s * 2 + 8]]) if (i !== undefined) plans[i]!.contacts.push({ ...shared });
  }
  // The same person typed differently, without a phone: offered to a coordinator as a likely duplicate.
  for (let s = 0; s < 2; s++) {
    const base = person();
    const a = completedIdx[s + 3];
    const b = completedIdx[s + 12];
    if (a === undefined || b === undefined) continue;
    plans[a]!.contacts.push({ name: base, phone: null, setting: SETTINGS[4]!, symptoms: false });
    plans[b]!.contacts.push({ name: `${s === 0 ? 'Bu' : 'Pak'} ${base.replace(/i\b/, 'y')}`, phone: null, setting: SETTINGS[4]!, symptoms: false });
  }
  // Transmission chains: an early case names someone who is confirmed days later (same phone), who names the next.
  const chain = (from: number, to: number) => {
    const src = plans[from];
    const dst = plans[to];
    if (!src || !dst || from >= to) return;
    src.outcome = 'completed';
    src.delayHours = 1 + random() * 2;
    src.contacts.push({ name: dst.name, phone: dst.phone, setting: SETTINGS[0]!, symptoms: true });
  };
  const third = Math.floor(n / 3);
  chain(0, third);
  chain(third, 2 * third + 2);
  chain(2, third + 4);
  // The newest cases have not been reached yet.
  for (const p of plans.slice(-2)) p.outcome = 'not_reached';
  return plans;
}

interface InterviewContext {
  caseId: number;
  startCode: string;
  firstAt: number;
  now: number;
  random: () => number;
  db: Db;
}

/** Play the patient's side of the interview through the real pipeline until the plan's outcome or `now`. */
function interview(service: ConversationService, plan: CasePlan, ctx: InterviewContext): { conversationId: number | null; escalatedAt: number | null; lastAt: number } {
  const userId = plan.channel === 'telegram' ? String(5_000_000_000 + Math.floor(ctx.random() * 1e9)) : `${plan.phone.slice(1)}@s.whatsapp.net`;
  let seq = 0;
  let at = ctx.firstAt;
  let conversationId: number | null = null;
  const send = (content: InboundMessage['content']) => {
    seq++;
    const message: InboundMessage = {
      channel: plan.channel,
      channelMessageId: `demo-${ctx.caseId}-${seq}`,
      channelUserId: userId,
      sentAt: at,
      ...(plan.channel === 'whatsapp' ? { phone: plan.phone } : {}),
      content,
    };
    const out = service.handle({ type: 'message', message, enqueuedAt: at }, at);
    conversationId = out.conversationId ?? conversationId;
  };
  send(plan.channel === 'telegram' ? { kind: 'start', code: ctx.startCode } : { kind: 'text', text: plan.lang === 'id' ? 'Halo' : 'Hello' });

  const en = plan.lang === 'en';
  let answers = 0;
  let stopSent = false;
  for (let guard = 0; guard < 120 && conversationId !== null; guard++) {
    const row = ctx.db.$client.prepare(`SELECT state, owner FROM conversations WHERE id = ?`).get(conversationId) as { state: string; owner: string };
    if (row.owner !== 'bot') return { conversationId, escalatedAt: row.owner === 'tracer' ? at : null, lastAt: at };
    const state = JSON.parse(row.state) as ConversationState;
    if (state.status !== 'active') break;
    const next = at + (0.3 + ctx.random() * 6) * MIN;
    if (next > ctx.now) break;
    at = next;
    if (state.confirmingStop) {
      send({ kind: 'text', text: en ? 'yes' : 'ya' });
      continue;
    }
    if ((plan.outcome === 'in_progress' && answers >= plan.stopAfter) || (plan.outcome === 'opted_out' && stopSent)) break;
    if (plan.outcome === 'asked' && answers >= plan.stopAfter) {
      send({ kind: 'text', text: en ? 'I want to talk to a person' : 'petugas' });
      continue;
    }
    if (plan.outcome === 'opted_out' && answers >= Math.min(plan.stopAfter, 4)) {
      stopSent = true;
      send({ kind: 'text', text: en ? 'stop' : 'berhenti' });
      continue;
    }
    const text = reply(plan, state, en);
    if (text === null) break;
    answers++;
    send({ kind: 'text', text });
  }
  return { conversationId, escalatedAt: null, lastAt: at };
}

/** The patient's answer to the step the bot is waiting on, or null to fall silent. */
function reply(plan: CasePlan, state: ConversationState, en: boolean): string | null {
  const yes = en ? 'yes' : 'ya';
  const no = en ? 'no' : 'tidak';
  switch (state.stepId) {
    case 'consent':
      return plan.outcome === 'callback' ? no : yes;
    case 'callback':
      return yes;
    case 'identity_dob':
    case 'identity_name':
      return plan.outcome === 'identity' ? no : yes;
    case 'has_symptoms':
      return plan.symptoms || plan.outcome === 'breathing' ? yes : no;
    case 'onset_date':
      return en ? '3 days ago' : '3 hari lalu';
    case 'test_date':
      return en ? '2 days ago' : '2 hari lalu';
    case 'symptoms':
      return plan.outcome === 'breathing' ? (en ? 'fever, difficulty breathing' : 'demam, sesak napas') : en ? 'fever, cough' : '1, 2';
    case 'isolation':
      return en ? 'home' : 'rumah';
    case 'household_size':
      return String(plan.contacts.filter((c) => c.setting.value === 'household').length);
    case 'contacts':
      return collectReply(plan, state, en);
    case 'places': {
      const done = state.collect?.items.length ?? 0;
      const q = state.collect?.question ?? 0;
      if (q === -1) return no;
      if (q === 0) return plan.places[done] ?? (en ? 'none' : 'tidak ada');
      return en ? 'yesterday' : 'kemarin';
    }
    case 'summary':
      return yes;
    default:
      return null;
  }
}

function collectReply(plan: CasePlan, state: ConversationState, en: boolean): string {
  const done = state.collect?.items.length ?? 0;
  const q = state.collect?.question ?? 0;
  if (q === -1) return done < plan.contacts.length ? (en ? 'yes' : 'ya') : en ? 'no' : 'tidak';
  const c = plan.contacts[done];
  if (!c) return en ? 'none' : 'tidak ada';
  switch (q) {
    case 0:
      return c.name;
    case 1:
      // People write numbers every which way; the flow normalises them to E.164.
      return c.phone ? (done % 2 ? `0${c.phone.slice(3, 6)}-${c.phone.slice(6, 10)}-${c.phone.slice(10)}` : c.phone) : en ? "don't know" : 'tidak tahu';
    case 2:
      return en ? c.setting.en : c.setting.id;
    case 3:
      return c.setting.value === 'household' ? (en ? 'today' : 'hari ini') : en ? 'yesterday' : 'kemarin';
    default:
      return c.symptoms ? (en ? 'yes' : 'ya') : en ? 'no' : 'tidak';
  }
}

/**
 * Do what the workers would: turn collected contacts and places into registry rows, and mark replies as sent. Nothing is
 * left in the outbox, so starting the app does not message these made-up numbers.
 */
function settleOutbox(db: Db, records: StructuredRecords): void {
  const c = db.$client;
  const rows = c.prepare(`SELECT id, kind, payload, created_at AS at FROM outbox WHERE dispatched_at IS NULL ORDER BY id`).all() as { id: number; kind: string; payload: string; at: number }[];
  for (const r of rows) {
    if (r.kind === 'event') {
      const { event, data } = JSON.parse(r.payload) as { event: string; data: unknown };
      if (event === 'contact.elicited' || event === 'place.visited') records.apply(event, data, r.at);
    }
    c.prepare(`UPDATE outbox SET dispatched_at = ? WHERE id = ?`).run(r.at, r.id);
  }
  c.prepare(`UPDATE messages SET status = 'sent', sent_at = created_at WHERE direction = 'out' AND status = 'queued'`).run();
}

function summarise(db: Db, flow: { id: string; version: number }): DemoSummary {
  const c = db.$client;
  const n = (sql: string) => (c.prepare(sql).get() as { n: number }).n;
  return {
    cases: n(`SELECT count(*) AS n FROM cases`),
    conversations: n(`SELECT count(*) AS n FROM conversations`),
    completed: n(`SELECT count(*) AS n FROM cases WHERE status = 'completed'`),
    inProgress: n(`SELECT count(*) AS n FROM cases WHERE status = 'interviewing'`),
    notReached: n(`SELECT count(*) AS n FROM cases WHERE first_reached_at IS NULL AND status NOT IN ('unreachable')`),
    unreachable: n(`SELECT count(*) AS n FROM cases WHERE status = 'unreachable'`),
    optedOut: n(`SELECT count(*) AS n FROM cases WHERE status = 'opted_out'`),
    escalations: {
      open: n(`SELECT count(*) AS n FROM escalations WHERE status = 'open'`),
      pending: n(`SELECT count(*) AS n FROM escalations WHERE status = 'pending'`),
      resolved: n(`SELECT count(*) AS n FROM escalations WHERE status = 'resolved'`),
    },
    contacts: n(`SELECT count(*) AS n FROM contacts`),
    exposures: n(`SELECT count(*) AS n FROM exposures`),
    chains: n(`SELECT count(*) AS n FROM cases WHERE source_contact_id IS NOT NULL`),
    flow,
  };
}
