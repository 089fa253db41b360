import { performance } from 'node:perf_hooks';
import { createRepositories, openDb, type Db } from '../../src/db/index.js';
import { hashPassword } from '../../src/services/accounts/index.js';
import { FlowRegistry } from '../../src/services/index.js';
import { prng } from '../../src/runtime/index.js';
import type { ScaleSize } from './sizes.js';

/** What the seeder wrote, and the ids the page timings pick from. */
export interface SeedResult {
  cases: number;
  conversations: number;
  messages: number;
  answers: number;
  exposures: number;
  escalations: { open: number; pending: number; resolved: number };
  users: number;
  /** The coordinator the bench signs in as (no area, so it may open every conversation; holds some pending chats). */
  benchUserId: number;
  /** Conversations with an escalation (open, pending or resolved): the ones tracers open from the queue. */
  escalatedConversationIds: number[];
  flowVersion: number;
  seconds: number;
  fileMb: number;
}

/** Kinds of conversation, in the proportions below. */
const enum Kind {
  Completed,
  BotActive,
  ClosedOther,
  EscOpen,
  EscPending,
  EscResolved,
}

const DAY = 86_400_000;
const STEPS = ['consent', 'identity_dob', 'has_symptoms', 'onset_date', 'symptoms', 'test_date', 'isolation', 'household_size', 'contacts', 'places', 'summary', 'advice'];
const QUESTIONS = [
  'Halo, saya asisten pelacakan kontak Dinas Kesehatan. Hasil tes Anda positif. Boleh kami ajukan beberapa pertanyaan? Jawaban Anda dirahasiakan.',
  'Apakah Anda mengalami gejala seperti demam, batuk, sesak napas, atau hilang penciuman?',
  'Sejak tanggal berapa gejala pertama muncul? Contoh: 12/03 atau "kemarin".',
  'Kapan Anda dites? Tulis tanggalnya.',
  'Apakah Anda sekarang isolasi mandiri di rumah, di fasilitas isolasi, atau di rumah sakit?',
  'Berapa orang yang tinggal serumah dengan Anda, tidak termasuk Anda?',
  'Siapa saja yang Anda temui dalam 2 hari sebelum gejala muncul? Kirim nama dan nomor HP satu per satu, atau ketik "selesai".',
  'Hello, I am the health office contact-tracing assistant. Your test was positive. May we ask a few questions? Your answers stay confidential.',
  'Do you have symptoms such as fever, cough, shortness of breath or loss of smell?',
  'Who did you meet in the 2 days before your symptoms started? Send one name and phone number at a time, or type "done".',
];
const ANSWERS_TEXT = ['ya', 'tidak', 'kemarin', '12/03', 'di rumah', '3', 'Budi 0812 3456 7890', 'selesai', 'yes', 'no', 'Siti, tetangga sebelah', 'saya kurang paham maksudnya'];
const TRACER_TEXT = ['Selamat siang, saya petugas puskesmas. Saya lanjutkan wawancaranya ya.', 'Terima kasih, apakah ada anggota keluarga yang bergejala?', 'Good afternoon, I am the tracer on duty. Let us continue.'];
const YES_NO = JSON.stringify({ choices: [{ id: 'yes', label: 'Ya' }, { id: 'no', label: 'Tidak' }] });
const REASONS = ['patient_asked', 'invalid_answers', 'identity_mismatch', 'callback_requested', 'flow_error', 'symptoms_severe'];
const SETTINGS = ['household', 'workplace', 'school', 'health_facility', 'worship', 'transport', 'social', 'other'];
const CHANNELS = ['whatsapp', 'whatsapp', 'telegram', 'fake'] as const;

/**
 * Create a SQLite file at `file` (migrated, flows published from `flowsDir`) holding an inbox of `size`: cases, conversations
 * of every owner and state, their transcripts, answers, contacts, escalations, tracers. Plain prepared statements in large
 * transactions, foreign-key checks and fsync off while loading (restored after); no ANALYZE, as in production.
 */
export async function seedScaleDb(file: string, size: ScaleSize, o: { flowsDir: string; now: number; seed?: number }): Promise<SeedResult> {
  const t0 = performance.now();
  const db = openDb(file);
  try {
    return await load(db, size, o, t0);
  } finally {
    db.$client.close();
  }
}

async function load(db: Db, size: ScaleSize, o: { flowsDir: string; now: number; seed?: number }, t0: number): Promise<SeedResult> {
  const rnd = prng(o.seed ?? 6);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const now = o.now;
  const flows = new FlowRegistry(createRepositories(db));
  flows.syncDirectory(o.flowsDir, now);
  const flowVersion = flows.latest('case-interview')?.version ?? 1;
  const c = db.$client;

  // Users: every tracer shares one scrypt hash (hashing 200 passwords would only time scrypt).
  const passwordHash = await hashPassword('bench-password-not-used');
  const insertUser = c.prepare(
    `INSERT INTO users (email, name, role, password_hash, must_change_password, active, language, max_chats, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 1, ?, 5, ?, ?)`,
  );
  const tracerIds: number[] = [];
  const coordinatorIds: number[] = [];
  c.transaction(() => {
    for (let i = 1; i <= size.tracers; i++) tracerIds.push(Number(insertUser.run(`tracer${i}@bench.invalid`, `Tracer ${i}`, 'tracer', passwordHash, i % 3 ? 'id' : 'en', now, now).lastInsertRowid));
    coordinatorIds.push(Number(insertUser.run('coordinator@bench.invalid', 'Coordinator', 'coordinator', passwordHash, 'id', now, now).lastInsertRowid));
    insertUser.run('admin@bench.invalid', 'Admin', 'admin', passwordHash, 'en', now, now);
  })();
  // The bench signs in as a coordinator without an area: need-to-know lets only such staff open any conversation by its
  // number (a tracer gets 403 on chats not escalated nor theirs), and the page timings need every page to render.
  const benchUserId = coordinatorIds[0]!;

  // Which conversation is which kind: escalations as asked, the rest mostly finished interviews.
  const n = size.conversations;
  const e = size.escalations;
  const kinds = new Uint8Array(n);
  let k = 0;
  const fill = (kind: Kind, count: number) => {
    for (let j = 0; j < count && k < n; j++) kinds[k++] = kind;
  };
  fill(Kind.EscOpen, e.open);
  fill(Kind.EscPending, e.pending);
  fill(Kind.EscResolved, e.resolved);
  const rest = n - k;
  fill(Kind.BotActive, Math.round(rest * 0.18));
  fill(Kind.ClosedOther, Math.round(rest * 0.07));
  fill(Kind.Completed, n - k);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const tmp = kinds[i]!;
    kinds[i] = kinds[j]!;
    kinds[j] = tmp;
  }
  // Messages per conversation: 2..18 around the mean, then nudged one at a time until the total is exact.
  const mean = size.messages / n;
  const counts = new Uint16Array(n);
  let diff = size.messages;
  for (let i = 0; i < n; i++) {
    counts[i] = Math.max(2, Math.round(mean + (rnd() * 2 - 1) * (mean - 2)));
    diff -= counts[i]!;
  }
  for (let i = 0; diff !== 0 && i < n * 4; i++) {
    const j = i % n;
    if (diff > 0) {
      counts[j] = counts[j]! + 1;
      diff--;
    } else if (counts[j]! > 2) {
      counts[j] = counts[j]! - 1;
      diff++;
    }
  }

  c.pragma('foreign_keys = OFF');
  c.pragma('synchronous = OFF');
  const insertCase = c.prepare(
    `INSERT INTO cases (id, external_id, name, phone, date_of_birth, language, area, test_date, confirmed_at, status, interview_completed_at, first_reached_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertConv = c.prepare(
    `INSERT INTO conversations (id, channel, channel_user_id, case_id, flow_id, flow_version, step_id, state, owner, assignee_id, closed_reason, lang, inbound_seq, last_inbound_at, last_outbound_at, revision, created_at, updated_at) VALUES (?, ?, ?, ?, 'case-interview', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertMsg = c.prepare(
    `INSERT INTO messages (conversation_id, direction, sender, author_id, kind, text, payload, channel, channel_message_id, step_id, status, sent_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertAnswer = c.prepare(`INSERT INTO answers (conversation_id, case_id, key, value, raw, step_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertContact = c.prepare(`INSERT INTO contacts (id, name, phone, area, has_symptoms, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const insertExposure = c.prepare(
    `INSERT INTO exposures (case_id, contact_id, conversation_id, setting, last_contact_date, has_symptoms, source_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertEsc = c.prepare(
    `INSERT INTO escalations (conversation_id, reason, detail, priority, status, assignee_id, step_id, outcome, waiting_since, claimed_at, resolved_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );

  const escalated: number[] = [];
  const out = { messages: 0, answers: 0, exposures: 0, open: 0, pending: 0, resolved: 0 };
  let contactId = 0;
  let pendingSeq = 0;
  const batch = 2_000;
  for (let from = 0; from < n; from += batch) {
    c.transaction(() => {
      for (let i = from; i < Math.min(n, from + batch); i++) {
        const id = i + 1;
        const kind = kinds[i] as Kind;
        const lang = rnd() < 0.85 ? 'id' : 'en';
        const channel = pick(CHANNELS);
        const started = now - Math.floor(rnd() * 60 * DAY) - 3 * DAY;
        const confirmed = started - Math.floor(rnd() * DAY);
        const escalatedKind = kind === Kind.EscOpen || kind === Kind.EscPending || kind === Kind.EscResolved;
        const finished = kind === Kind.Completed || kind === Kind.EscResolved;
        insertCase.run(
          id, `BENCH-${id}`, `Pasien ${id}`, `+62813${String(id).padStart(8, '0')}`, `19${50 + (id % 50)}-0${1 + (id % 9)}-1${id % 10}`, lang, pick(['Jakarta Timur', 'Jakarta Selatan', 'Bekasi', 'Depok']),
          '2026-11-1' + (id % 10), confirmed, finished ? 'completed' : kind === Kind.ClosedOther ? 'unreachable' : 'interviewing', finished ? started + DAY : null, started, confirmed, now,
        );

        // Transcript: /start, then the bot asks and the patient answers; a tracer's turn at the end of a claimed chat.
        const count = counts[i]!;
        const stepAt = (m: number) => STEPS[Math.min(STEPS.length - 1, Math.floor(m / 2))]!;
        const assignee = kind === Kind.EscPending ? (pendingSeq++ < 5 ? benchUserId : tracerIds[1 + (pendingSeq % Math.max(1, tracerIds.length - 1))]!) : null;
        let lastIn: number | null = null;
        let lastOut: number | null = null;
        let at = started;
        for (let m = 0; m < count; m++) {
          at += 20_000 + Math.floor(rnd() * 120_000);
          const tracerTurn = assignee !== null && m >= count - 2;
          if (tracerTurn && m === count - 1) {
            insertMsg.run(id, 'note', 'tracer', assignee, 'note', 'Pasien minta ditelepon sore ini.', null, channel, null, null, 'received', null, at);
            continue;
          }
          if (m % 2 === 0) {
            const start = m === 0;
            insertMsg.run(id, 'in', 'patient', null, start ? 'start' : 'text', start ? null : pick(ANSWERS_TEXT), null, channel, `in-${id}-${m}`, stepAt(m), 'received', null, at);
            lastIn = at;
          } else if (tracerTurn) {
            insertMsg.run(id, 'out', 'tracer', assignee, 'text', pick(TRACER_TEXT), null, channel, `out-${id}-${m}`, null, 'sent', at + 300, at);
            lastOut = at;
          } else {
            const q = pick(QUESTIONS);
            insertMsg.run(id, 'out', 'bot', null, 'text', q, rnd() < 0.3 ? YES_NO : null, channel, `out-${id}-${m}`, stepAt(m), rnd() < 0.995 ? 'sent' : 'failed', at + 250, at);
            lastOut = at;
          }
        }
        out.messages += count;

        const owner = kind === Kind.BotActive ? 'bot' : kind === Kind.EscOpen || kind === Kind.EscPending ? 'tracer' : 'closed';
        const closedReason = kind === Kind.Completed ? 'completed' : kind === Kind.EscResolved ? 'resolved' : kind === Kind.ClosedOther ? pick(['expired', 'stopped', 'unreachable']) : null;
        const stepId = finished ? null : stepAt(count - 1);
        const state = JSON.stringify({
          lang, status: owner === 'closed' ? 'completed' : 'active', stepId, answers: { has_symptoms: true, onset_date: '2026-11-10', household_size: 3 },
          lists: {}, collect: null, invalid: 0, reminders: 0, confirmingStop: false, case: { name: `Pasien ${id}` },
        });
        const channelUserId = channel === 'whatsapp' ? `62813${String(id).padStart(8, '0')}@s.whatsapp.net` : channel === 'telegram' ? String(500_000_000 + id) : `bench-${id}`;
        insertConv.run(id, channel, channelUserId, id, flowVersion, stepId, state, owner, assignee, closedReason, lang, Math.ceil(count / 2), lastIn, lastOut, count, started, at);

        // Answers and named contacts: all of a finished interview, a couple for one still running.
        const answerKeys = finished || escalatedKind ? ['consent', 'has_symptoms', 'onset_date', 'test_date', 'isolation', 'household_size'] : kind === Kind.BotActive ? ['consent', 'has_symptoms'] : [];
        for (const key of answerKeys) {
          insertAnswer.run(id, id, key, JSON.stringify(key === 'household_size' ? 3 : key.endsWith('date') ? '2026-11-10' : key === 'isolation' ? 'home' : true), 'ya', key, started, started);
        }
        out.answers += answerKeys.length;
        if (finished || escalatedKind) {
          const named = Math.floor(rnd() * 7);
          for (let j = 0; j < named; j++) {
            contactId++;
            insertContact.run(contactId, `Kontak ${contactId}`, rnd() < 0.8 ? `+62812${String(contactId).padStart(8, '0')}` : null, null, rnd() < 0.2 ? 1 : null, started, started);
            insertExposure.run(id, contactId, id, pick(SETTINGS), '2026-11-0' + (1 + (j % 9)), null, `${id}:contacts:${j}`, started, started);
          }
          out.exposures += named;
        }

        if (escalatedKind) {
          escalated.push(id);
          const r = rnd();
          const priority = r < 0.05 ? 'urgent' : r < 0.25 ? 'high' : 'normal';
          const waiting = kind === Kind.EscResolved ? started + Math.floor(rnd() * DAY) : now - Math.floor(rnd() * 2 * DAY);
          const status = kind === Kind.EscOpen ? 'open' : kind === Kind.EscPending ? 'pending' : 'resolved';
          const resolvedBy = kind === Kind.EscResolved ? pick(tracerIds) : assignee;
          insertEsc.run(
            id, pick(REASONS), rnd() < 0.3 ? 'Jawaban tidak dikenali 3 kali' : null, priority, status, resolvedBy, stepId ?? 'summary',
            kind === Kind.EscResolved ? pick(['interview_completed', 'unreachable', 'referred']) : null,
            waiting, kind === Kind.EscOpen ? null : waiting + 60_000, kind === Kind.EscResolved ? waiting + 3_600_000 : null, waiting, now,
          );
          out[status]++;
        }
      }
    })();
  }
  c.pragma('synchronous = NORMAL');
  c.pragma('foreign_keys = ON');
  c.pragma('wal_checkpoint(TRUNCATE)');
  const pageCount = c.pragma('page_count', { simple: true }) as number;
  const pageSize = c.pragma('page_size', { simple: true }) as number;
  return {
    cases: n,
    conversations: n,
    messages: out.messages,
    answers: out.answers,
    exposures: out.exposures,
    escalations: { open: out.open, pending: out.pending, resolved: out.resolved },
    users: tracerIds.length + 2,
    benchUserId,
    escalatedConversationIds: escalated,
    flowVersion,
    seconds: Math.round((performance.now() - t0) / 100) / 10,
    fileMb: Math.round((pageCount * pageSize) / 1024 / 1024),
  };
}
