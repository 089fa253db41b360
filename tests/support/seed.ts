import os from 'node:os';
import { eq, sql } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import type { FakePlatform } from '../../src/channels/fake/index.js';
import { parseConfig, type Config } from '../../src/config/index.js';
import { createRepositories, schema, tx, type Db } from '../../src/db/index.js';
import { hashPassword, type UserRole } from '../../src/services/accounts/index.js';
import { openEscalation } from '../../src/services/inbox/index.js';
import type { LiveBus } from '../../src/domain/live-events.js';
import { createMemoryLiveBus } from '../../src/queue/live-bus.js';
import type { PipelinePort } from '../../src/domain/pipeline-port.js';
import { buildWebServer, type WebDeps } from '../../src/web/index.js';
import { tempDb } from './temp-db.js';

export { tempDb } from './temp-db.js';

/** A config for web tests: test mode, fixed session secret, patient phone on. */
export function testConfig(extra: Record<string, string> = {}): Config {
  return parseConfig({ NODE_ENV: 'test', SESSION_SECRET: 'test-secret-test-secret-test-secret!', PATIENT_PHONE_PAGE: 'on', LOG_LEVEL: 'silent', ...extra }, os.tmpdir());
}

/** The TOTP secret of every seeded account with two-step sign-in (admins by default: they must have it). */
export const TEST_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/** The current code of TEST_TOTP_SECRET, computed with otpauth like an authenticator app (at `at`, default now). */
export function totpCode(at = Date.now(), secret = TEST_TOTP_SECRET): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: at });
}

const hashes = new Map<string, Promise<string>>();
/** An active user with a known password (no forced change unless asked); admins get two-step sign-in with TEST_TOTP_SECRET unless `twoFactor: false`. */
export async function seedUser(db: Db, o: { email: string; role: UserRole; password?: string; name?: string; mustChangePassword?: boolean; maxChats?: number; language?: 'id' | 'en'; areas?: string[]; twoFactor?: boolean }) {
  const password = o.password ?? 'correct horse battery';
  if (!hashes.has(password)) hashes.set(password, hashPassword(password));
  const passwordHash = await hashes.get(password)!;
  const twoFactor = o.twoFactor ?? o.role === 'admin';
  const user = db
    .insert(schema.users)
    .values({
      email: o.email,
      name: o.name ?? o.email.split('@')[0]!,
      role: o.role,
      passwordHash,
      mustChangePassword: o.mustChangePassword ?? false,
      maxChats: o.maxChats ?? 5,
      language: o.language ?? 'en',
      areas: JSON.stringify(o.areas ?? []),
      totpSecret: twoFactor ? TEST_TOTP_SECRET : null,
    })
    .returning()
    .get();
  return { ...user, password };
}

let chatSeq = 0;
/** A case and its fake-channel conversation, owned by the bot, waiting at `stepId`. */
export function seedConversation(db: Db, o: { name?: string; channelUserId?: string; stepId?: string; flowId?: string; lang?: 'id' | 'en'; now?: number } = {}) {
  const now = o.now ?? Date.now();
  const n = ++chatSeq;
  const kase = db
    .insert(schema.cases)
    .values({ externalId: `C-${n}-${now}`, name: o.name ?? `Patient ${n}`, phone: '+6281234567' + String(n).padStart(3, '0'), confirmedAt: now, status: 'interviewing' })
    .returning()
    .get();
  const state = { lang: o.lang ?? 'id', status: 'active', stepId: o.stepId ?? 'onset', answers: { onset: '2026-11-20', household_size: 3 }, lists: {}, collect: null, invalid: 0, reminders: 0, confirmingStop: false, case: {} };
  const conv = db
    .insert(schema.conversations)
    .values({ channel: 'fake', channelUserId: o.channelUserId ?? `u${n}-${now}`, caseId: kase.id, flowId: o.flowId ?? 'case-interview', flowVersion: 1, stepId: o.stepId ?? 'onset', state: JSON.stringify(state), lang: o.lang ?? 'id' })
    .returning()
    .get();
  db.insert(schema.answers).values([
    { conversationId: conv.id, caseId: kase.id, key: 'onset', value: JSON.stringify('2026-11-20'), stepId: 'onset' },
    { conversationId: conv.id, caseId: kase.id, key: 'household_size', value: JSON.stringify(3), stepId: 'household_size' },
  ]).run();
  return { caseId: kase.id, conversationId: conv.id, channelUserId: conv.channelUserId };
}

/** A conversation waiting in the queue (escalated). */
export function seedEscalated(db: Db, o: Parameters<typeof seedConversation>[1] & { reason?: string; priority?: 'normal' | 'high' | 'urgent'; waitingSince?: number } = {}) {
  const c = seedConversation(db, o);
  const res = openEscalation(createRepositories(db), { conversationId: c.conversationId, reason: o.reason ?? 'patient_asked', priority: o.priority ?? 'normal' }, o.waitingSince ?? o.now ?? Date.now());
  if (!res.ok) throw new Error(`seed escalation refused: ${res.error}`);
  return { ...c, escalationId: res.escalationId, events: res.events };
}

/** A patient message as the pipeline stores it (received, bot silent while a tracer holds the chat). */
export function seedInbound(db: Db, conversationId: number, text: string, now = Date.now()): number {
  return tx(db, () => {
    const id = db
      .insert(schema.messages)
      .values({ conversationId, direction: 'in', sender: 'patient', kind: 'text', text, channel: 'fake', channelMessageId: `in-${conversationId}-${now}-${Math.random()}`, status: 'received', createdAt: now })
      .returning({ id: schema.messages.id })
      .get().id;
    db.update(schema.conversations).set({ lastInboundAt: now, inboundSeq: sql`inbound_seq + 1` }).where(eq(schema.conversations.id, conversationId)).run();
    return id;
  });
}

/** A contact named by the case, linked to the conversation. */
export function seedExposure(db: Db, caseId: number, conversationId: number, o: { name: string; phone?: string | null }) {
  const contact = db.insert(schema.contacts).values({ name: o.name, phone: o.phone ?? null }).returning().get();
  const exposure = db.insert(schema.exposures).values({ caseId, contactId: contact.id, conversationId, setting: 'household', lastContactDate: '2026-11-18' }).returning().get();
  return { contactId: contact.id, exposureId: exposure.id };
}

/** A PipelinePort that records calls (the real pipeline is tested end to end elsewhere). */
export function recordingPipeline(): PipelinePort & { flushes: number; resumes: { conversationId: number; stepId?: string }[] } {
  const p = {
    flushes: 0,
    resumes: [] as { conversationId: number; stepId?: string }[],
    async flushOutbox() {
      p.flushes++;
    },
    async resume(conversationId: number, stepId?: string) {
      p.resumes.push({ conversationId, ...(stepId ? { stepId } : {}) });
    },
  };
  return p;
}

export interface TestWeb {
  app: FastifyInstance;
  db: Db;
  file: string;
  live: LiveBus;
  pipeline: ReturnType<typeof recordingPipeline>;
  config: Config;
}

/** The web server over a temp database, a memory live bus (unless given) and a recording pipeline. */
export async function buildTestWeb(o: Partial<WebDeps> & { fakePlatform?: FakePlatform } = {}): Promise<TestWeb> {
  const { db, file } = o.db ? { db: o.db, file: '' } : tempDb();
  const live = o.live ?? createMemoryLiveBus();
  const pipeline = recordingPipeline();
  const config = o.config ?? testConfig();
  const app = await buildWebServer({ config, db, logger: pino({ level: 'silent' }), live, pipeline, ...o, ...(o.pipeline ? {} : { pipeline }) });
  return { app, db, file, live, pipeline, config };
}

/** Cookie header value from a set of inject responses' set-cookie headers (last value wins per name). */
export function cookieJar() {
  const jar = new Map<string, string>();
  return {
    take(res: { headers: Record<string, unknown> }) {
      const raw = res.headers['set-cookie'];
      const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
      for (const c of list as string[]) {
        const [pair] = c.split(';');
        const i = pair!.indexOf('=');
        const name = pair!.slice(0, i);
        const value = pair!.slice(i + 1);
        if (value === '' || /max-age=0|expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(name);
        else jar.set(name, value);
      }
    },
    header(): string {
      return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    },
  };
}

/**
 * Sign in through the real login form with fastify inject (and the authenticator step when asked, with the code at
 * `o.at`: the server's clock); returns the cookie header and the session's CSRF token.
 */
export async function injectLogin(app: FastifyInstance, email: string, password: string, o: { at?: number } = {}): Promise<{ cookie: string; csrf: string; status: number; location?: string }> {
  const jar = cookieJar();
  const form = await app.inject({ method: 'GET', url: '/login' });
  jar.take(form);
  const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  let res = await app.inject({ method: 'POST', url: '/login', headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ email, password, _csrf: token }).toString() });
  jar.take(res);
  const location = res.headers.location as string | undefined;
  if (res.statusCode === 303 && location?.startsWith('/login/two-factor')) {
    // The second step, as a person with an authenticator app holding TEST_TOTP_SECRET would do it.
    const step = await app.inject({ method: 'GET', url: location, headers: { cookie: jar.header() } });
    jar.take(step);
    const stepToken = /name="_csrf" value="([^"]+)"/.exec(step.body)?.[1] ?? '';
    res = await app.inject({ method: 'POST', url: '/login/two-factor', headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ code: totpCode(o.at), _csrf: stepToken, next: '/inbox' }).toString() });
    jar.take(res);
  }
  let csrf = '';
  if (res.statusCode === 303) {
    const page = await app.inject({ method: 'GET', url: '/account/password', headers: { cookie: jar.header() } });
    csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  }
  return { cookie: jar.header(), csrf, status: res.statusCode, location: res.headers.location as string | undefined };
}

/** POST a form with inject. */
export function postForm(app: FastifyInstance, url: string, cookie: string, fields: Record<string, string>) {
  return app.inject({ method: 'POST', url, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, payload: new URLSearchParams(fields).toString() });
}
