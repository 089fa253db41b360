import { afterEach, describe, expect, inject, it } from 'vitest';
import { localDate } from '../../src/flow/answers/index.js';
import { chatKey } from '../../src/queue/jobs.js';
import { chatIdle } from '../support/pipeline-idle.js';
import { chatRecord, count } from '../support/pipeline-queries.js';
import { replayVerifiedChat, seedVerifiableCase, sleep, VERIFIABLE_CASE, type ExpectedChat } from '../support/pipeline-script.js';
import { spawnWorker, workerEnvFor, type WorkerProcess } from '../support/pipeline-worker.js';
import { eventually, startTestSystem } from '../support/system.js';
import { prng } from '../../src/runtime/prng.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

const CHATS = 200;
const MESSAGES_PER_CHAT = 20;
const DAY_MS = 86_400_000;

const FIRST = ['Budi', 'Siti', 'Agus', 'Dewi', 'Rudi', 'Putri', 'Joko', 'Rina', 'Andi', 'Wati', 'Hendra', 'Yuni'];
const LAST = ['Santoso', 'Rahayu', 'Wijaya', 'Lestari', 'Hidayat', 'Kusuma', 'Saputra', 'Utami', 'Nugroho', 'Pratama'];
const PLACES = ['Pasar Senen', 'Masjid Istiqlal', 'Kantor Kecamatan Menteng', 'Warung Padang Sederhana', 'Stasiun Manggarai'];

/**
 * What patient `i` types: an unknown chat that proves who it is (sometimes after a case number that matches nothing, or
 * after switching to English), then the interview with its own choices (declining, symptoms or not, invalid answers, 0-2
 * contacts, a place or none), then thanks after the interview is over, which the flow answers every time. Cut at `n`
 * messages, so some chats stop mid-interview. Dates are absolute (`day(k)`: k days before the run) and invalid answers
 * avoid dates, so no bot text depends on the day a turn runs.
 */
function patientMessages(i: number, day: (daysAgo: number) => string, n = MESSAGES_PER_CHAT): string[] {
  const r = prng(i + 1);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const m: string[] = [pick(['halo', 'selamat pagi', 'permisi', 'hi'])];
  const english = r() < 0.2;
  if (english) m.push('english');
  if (r() < 0.25) m.push('JKT-0099', VERIFIABLE_CASE.dateOfBirth.split('-').reverse().join('/'));
  m.push(pick([VERIFIABLE_CASE.externalId, VERIFIABLE_CASE.externalId.toLowerCase(), `${VERIFIABLE_CASE.externalId} `]));
  m.push(pick(['14/03/1990', '14-03-1990', '14 Maret 1990']));
  if (r() < 0.1) {
    // Declines, and wants no call back: the interview ends here.
    m.push(english ? 'no' : 'tidak', 'tidak');
  } else {
    if (r() < 0.15) m.push('mungkin');
    m.push(pick(english ? ['yes', 'ya'] : ['ya', 'iya', 'bersedia']));
    if (r() < 0.3) m.push('ya', day(pick([2, 3, 4])), pick(['demam', '1, 2', 'batuk, sakit tenggorokan']));
    else m.push('tidak', day(pick([2, 3, 4])));
    if (r() < 0.2) m.push('di kos');
    m.push(pick(['rumah', 'wisma atlet', 'rs', '1']));
    if (r() < 0.3) m.push('banyak');
    m.push(String(Math.floor(r() * 6)));
    const contacts = Math.floor(r() * 3);
    for (let c = 0; c < contacts; c++) {
      if (c > 0) m.push('ya');
      m.push(`${pick(FIRST)} ${pick(LAST)}`, 'tidak tahu', pick(['kantor', 'rumah', 'sekolah', 'ojek']), day(pick([1, 2])), pick(['ya', 'tidak']));
    }
    m.push(contacts ? 'tidak' : 'tidak ada');
    if (r() < 0.4) m.push(pick(PLACES), day(1), 'tidak');
    else m.push('tidak ada');
    m.push('ya');
  }
  while (m.length < n) m.push(pick(['terima kasih', 'ok', 'siap', 'sama-sama']));
  return m.slice(0, n);
}

/** Cut `messages` into bursts of 2 to 8, so a drain finds several of a chat's messages waiting at once. */
function bursts(messages: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let at = 0; at < messages.length; ) {
    const size = 2 + Math.floor(Math.random() * 7);
    out.push(messages.slice(at, at + size));
    at += size;
  }
  return out;
}

describe('batched turns under concurrency (2 worker processes, real Redis and SQLite)', () => {
  let sys: Sys | undefined;
  const workers: WorkerProcess[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.kill('SIGTERM')));
    await sys?.stop();
    sys = undefined;
  });

  it('gives each of 200 bursting chats exactly the transcript a sequential replay of its own 20 messages gives', async () => {
    const redisUrl = inject('redisUrl');
    // This process is the `channels` role (the fake platform lives here); the turns run in two separate worker processes.
    sys = await startTestSystem(redisUrl, { ROLES: 'channels' });
    const phone = sys.fakePlatform!;
    const workerEnv = workerEnvFor(sys, redisUrl);
    workers.push(...(await Promise.all([spawnWorker(workerEnv), spawnWorker(workerEnv)])));
    seedVerifiableCase(sys.db);

    const verify = sys.flows.latest('verify-identity')!.flow;
    const interview = sys.flows.latest('case-interview')!.flow;
    const runAt = Date.now();
    const day = (daysAgo: number) => localDate(runAt - daysAgo * DAY_MS, interview.settings.timezone ?? 'Asia/Jakarta').split('-').reverse().join('/');
    const patients = Array.from({ length: CHATS }, (_, i) => {
      const messages = patientMessages(i, day);
      return { user: `batch-${i}`, messages, expected: replayVerifiedChat(verify, interview, messages, runAt), sent: [] as string[] };
    });
    const want = (p: { expected: ExpectedChat }) => p.expected.textsAfter.at(-1)!;
    // The chats must tell each other apart, or a reply delivered to the wrong chat could pass unnoticed.
    const distinct = new Set(patients.map((p) => JSON.stringify(want(p)))).size;
    expect(distinct).toBeGreaterThan(CHATS / 2);
    const total = CHATS * MESSAGES_PER_CHAT;
    const botTotal = patients.reduce((n, p) => n + want(p).length, 0);

    // How much was waiting while the chats sent: the figure that shows drains had many chats and several items per chat.
    const backlog = { chats: 0, items: 0, sampling: true };
    const sampler = (async () => {
      while (backlog.sampling) {
        const lengths = await Promise.all(patients.map((p) => sys!.pipeline.mailboxes.length(chatKey('fake', p.user))));
        backlog.chats = Math.max(backlog.chats, lengths.filter((n) => n > 0).length);
        backlog.items = Math.max(backlog.items, ...lengths);
        await sleep(100);
      }
      // Only a figure: a failed sample must not fail the run (the assertions below catch a sampler that saw nothing).
    })().catch(() => undefined);

    const started = Date.now();
    let elapsed: number;
    try {
      // Every chat starts at a random moment within a second and sends its messages in bursts up to 0.8 s apart, never
      // waiting for a reply: drains find many chats ready, several messages per chat, and new ones landing while they run.
      await Promise.all(
        patients.map(async (p) => {
          await sleep(Math.random() * 1000);
          for (const burst of bursts(p.messages)) {
            for (const text of burst) p.sent.push(phone.patientSends(p.user, { kind: 'text', text }));
            await sleep(Math.random() * 800);
          }
        }),
      );
      // Done when every message's turn committed (its inbound row is written in the turn) and every reply left the outbox
      // and the send queue; waiting for an expected reply count instead would turn a wrong transcript into a timeout.
      const outbound = sys.pipeline.outbound('fake');
      await eventually(
        async () => {
          const handled = count(sys!.db, `SELECT count(*) AS n FROM messages WHERE direction = 'in'`);
          const undispatched = count(sys!.db, `SELECT count(*) AS n FROM outbox WHERE dispatched_at IS NULL`);
          const sends = Object.values(await outbound.getJobCounts('waiting', 'active', 'delayed', 'prioritized')).reduce((a, b) => a + b, 0);
          if (handled === total && undispatched === 0 && sends === 0) return true;
          // Thrown, not returned: the last progress is in the failure message.
          throw new Error(`${handled} handled, ${undispatched} outbox rows undispatched, ${sends} send jobs pending`);
        },
        `${total} messages handled and their replies sent`,
        90_000,
      );
      elapsed = Date.now() - started;
    } finally {
      backlog.sampling = false;
      await sampler;
    }
    // Judged from each chat's committed and queued state, so a late or doubled reply cannot hide.
    for (const p of patients) await chatIdle(sys, p.user);

    for (const p of patients) {
      const rec = chatRecord(sys.db, p.user);
      expect(rec.conversationIds, p.user).toHaveLength(1);
      // Each message recorded once, in the order the patient sent it.
      expect(rec.inboundIds, p.user).toEqual(p.sent);
      // The turns saw the chat's messages one after the other: exactly the replies of a sequential replay, all sent ...
      expect(rec.outbound.map((m) => m.text), p.user).toEqual(want(p));
      expect(rec.outbound.filter((m) => m.status !== 'sent'), p.user).toEqual([]);
      expect(rec.stepId, p.user).toBe(p.expected.state.stepId);
      // ... and the phone shows them once each, in that order.
      expect(phone.inbox(p.user).map((d) => d.text), p.user).toEqual(want(p));
    }
    // Nothing reached a chat outside the test's, nothing is left to dispatch, nothing was given up on.
    expect(phone.chats().sort()).toEqual(patients.map((p) => p.user).sort());
    expect(count(sys.db, `SELECT count(*) AS n FROM messages WHERE direction = 'out'`)).toBe(botTotal);
    expect(count(sys.db, `SELECT count(*) AS n FROM outbox WHERE dispatched_at IS NULL`)).toBe(0);
    expect(await sys.pipeline.mailboxes.deadLetters()).toEqual([]);
    // Not a sequential run in disguise: at some moment many chats, and some chat with several messages, were waiting.
    expect(backlog.chats).toBeGreaterThan(10);
    expect(backlog.items).toBeGreaterThan(1);
    const completed = patients.filter((p) => p.expected.state.status === 'completed').length;
    console.info(
      `batch order: ${total} inbound messages from ${CHATS} chats (${distinct} distinct transcripts, ${completed} interviews completed) through 2 worker processes; ${botTotal} replies sent in ${(elapsed / 1000).toFixed(1)} s; at most ${backlog.chats} chats waiting at once, ${backlog.items} messages in one chat`,
    );
  }, 150_000);
});
