import { afterEach, describe, expect, it } from 'vitest';
import { createRepositories } from '../../src/db/index.js';
import { createApiToken } from '../../src/services/api-tokens.js';
import { runRetentionIfDue } from '../../src/services/privacy/index.js';
import { apiRoutes } from '../../src/web/api/api-routes.js';
import { privacyRoutes } from '../../src/web/routes/privacy.js';
import { buildTestWeb, injectLogin, postForm, seedConversation, seedInbound, seedUser, type TestWeb } from '../support/seed.js';

const NOW = Date.parse('2026-11-25T08:00:00Z');
let web: TestWeb | undefined;
afterEach(async () => {
  await web?.app.close();
  web = undefined;
});

async function setup() {
  const clock = () => NOW;
  const { tempDb } = await import('../support/temp-db.js');
  const { db } = tempDb();
  const deps = { db, clock, timezone: 'Asia/Jakarta', defaultCountry: 'ID' };
  web = await buildTestWeb({ db, clock, plugins: [privacyRoutes({ ...deps, retentionDays: 90 }), apiRoutes({ ...deps, startCodeTtlMs: 86_400_000 })] });
  const admin = await seedUser(db, { email: 'adi@example.org', role: 'admin', name: 'Adi' });
  const coord = await seedUser(db, { email: 'citra@example.org', role: 'coordinator', name: 'Citra' });
  const chat = seedConversation(db, { name: 'Siti Aminah', now: NOW - 86_400_000 });
  seedInbound(db, chat.conversationId, 'saya batuk sejak senin', NOW - 86_000_000);
  db.$client
    .prepare(`INSERT INTO consent_records (conversation_id, case_id, flow_id, flow_version, step_id, text_shown, language, answer, answered_at) VALUES (?, ?, 'case-interview', 1, 'consent', ?, 'id', 'given', ?)`)
    .run(chat.conversationId, chat.caseId, 'Jawaban Anda hanya dipakai untuk pelacakan kontak', NOW - 86_200_000);
  db.$client.prepare(`INSERT INTO contact_invites (code_hash, case_id, created_at) VALUES ('h1', ?, ?)`).run(chat.caseId, NOW);
  // A tracer resolved the chat.
  db.$client.prepare(`UPDATE conversations SET owner = 'closed' WHERE id = ?`).run(chat.conversationId);
  const phone = (db.$client.prepare(`SELECT phone FROM cases WHERE id = ?`).get(chat.caseId) as { phone: string }).phone;
  return { w: web, chat, phone, admin: await injectLogin(web.app, admin.email, admin.password, { at: NOW }), coord: await injectLogin(web.app, coord.email, coord.password), adminId: admin.id };
}

const get = (w: TestWeb, url: string, cookie: string) => w.app.inject({ method: 'GET', url, headers: { cookie, accept: 'text/html' } });

describe('the admins’ privacy pages and the subjects API', () => {
  it('are for admins only: coordinators get 403, strangers the login, coordinator tokens 403', async () => {
    const { w, phone, coord } = await setup();
    const q = encodeURIComponent(phone);
    expect((await get(w, '/admin/privacy', coord.cookie)).statusCode).toBe(403);
    const anon = await get(w, '/admin/privacy', '');
    expect(anon.statusCode).toBe(303);
    expect(anon.headers.location).toMatch(/^\/login/);
    for (const url of ['/admin/privacy/subject', '/admin/privacy/subject.json', '/admin/privacy/erase', '/admin/privacy/erase/confirm']) {
      expect((await postForm(w.app, url, coord.cookie, { _csrf: coord.csrf, q: phone, requestId: '1' })).statusCode, url).toBe(403);
    }
    const coordToken = createApiToken(createRepositories(w.db), 'lab', 'coordinator', NOW).token;
    expect((await w.app.inject({ method: 'GET', url: `/api/v1/subjects/${q}`, headers: { authorization: `Bearer ${coordToken}` } })).statusCode).toBe(403);
    expect((await w.app.inject({ method: 'GET', url: `/api/v1/subjects/${q}` })).statusCode).toBe(401);
    expect(w.db.$client.prepare(`SELECT count(*) AS n FROM audit_log WHERE action LIKE 'subject.%'`).get()).toEqual({ n: 0 });
    // Documented with the rest of the API.
    const docs = (await w.app.inject({ method: 'GET', url: '/api/docs/json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(docs.paths)).toContain('/api/v1/subjects/{phone}');
  });

  it('shows the retention policy and what the next run will clear', async () => {
    const { w, admin, chat } = await setup();
    const home = async () => (await get(w, '/admin/privacy', admin.cookie)).body;
    expect(await home()).toContain('removed 90 days after a chat closed');
    expect(await home()).toContain('Due at the next run: 0 chats, 0 cases and 0 contacts');
    // The chat and its case went quiet 100 days ago.
    w.db.$client.prepare(`UPDATE conversations SET updated_at = ? WHERE id = ?`).run(NOW - 100 * 86_400_000, chat.conversationId);
    w.db.$client.prepare(`UPDATE cases SET updated_at = ? WHERE id = ?`).run(NOW - 100 * 86_400_000, chat.caseId);
    expect(await home()).toContain('Due at the next run: 1 chats, 1 cases and 0 contacts (1 message texts, 2 answers)');
    expect(await home()).toContain('has not run yet');
    runRetentionIfDue(createRepositories(w.db), { now: NOW, days: 90 });
    expect(await home()).toContain('1 chats, 1 cases and 0 contacts cleared; 1 message texts and 2 answers removed');
    expect(await home()).toContain('Due at the next run: 0 chats');
  });

  it('shows, exports and erases a person in two steps, audited, and the API then returns nothing personal', async () => {
    const { w, phone, admin, adminId, chat } = await setup();
    const local = phone.replace('+62', '0');
    const page = await postForm(w.app, '/admin/privacy/subject', admin.cookie, { _csrf: admin.csrf, q: local });
    expect(page.statusCode).toBe(200);
    for (const shown of ['Siti Aminah', phone, 'saya batuk sejak senin', 'household_size', 'Jawaban Anda hanya dipakai untuk pelacakan kontak']) expect(page.body).toContain(shown);

    const adminToken = createApiToken(createRepositories(w.db), 'dpo', 'admin', NOW).token;
    const api = async (format = 'json') =>
      w.app.inject({ method: 'GET', url: `/api/v1/subjects/${encodeURIComponent(phone)}?format=${format}`, headers: { authorization: `Bearer ${adminToken}` } });
    const json = (await api()).json() as { holdsPersonalData: boolean; found: { caseIds: number[] }; records: { messages: { text: string | null }[] } };
    expect(json.holdsPersonalData).toBe(true);
    expect(json.found.caseIds).toEqual([chat.caseId]);
    expect(json.records.messages.map((m) => m.text)).toContain('saya batuk sejak senin');
    const readable = await api('html');
    expect(readable.headers['content-type']).toContain('text/html');
    expect(readable.body).toContain('Siti Aminah');

    // Step 1 shows what will go and asks to type the subject again; a different number refuses and erases nothing.
    const step1 = await postForm(w.app, '/admin/privacy/erase', admin.cookie, { _csrf: admin.csrf, q: local });
    expect(step1.statusCode).toBe(200);
    const requestId = /name="requestId" value="(\d+)"/.exec(step1.body)![1]!;
    const wrong = await postForm(w.app, '/admin/privacy/erase/confirm', admin.cookie, { _csrf: admin.csrf, requestId, q: '+6281299999999' });
    expect(wrong.statusCode).toBe(409);
    expect((await api()).json()).toMatchObject({ holdsPersonalData: true });
    const step2 = await postForm(w.app, '/admin/privacy/erase/confirm', admin.cookie, { _csrf: admin.csrf, requestId, q: phone });
    expect(step2.statusCode).toBe(200);

    const after = (await api()).json() as { holdsPersonalData: boolean; found: { caseIds: number[] } };
    expect(after).toMatchObject({ holdsPersonalData: false, found: { caseIds: [], conversationIds: [], contactIds: [] } });
    const file = await postForm(w.app, '/admin/privacy/subject.json', admin.cookie, { _csrf: admin.csrf, q: `#${chat.caseId}` });
    expect(file.headers['content-disposition']).toMatch(/^attachment/);
    const kept = file.json() as { found: { caseIds: number[] }; records: { consent: { answer: string }[] } };
    expect(kept.found.caseIds).toEqual([chat.caseId]);
    // The consent record stays: it is what the person agreed to, and holds no name.
    expect(kept.records.consent.map((c) => c.answer)).toEqual(['given']);
    expect(file.body).not.toContain('Siti Aminah');
    const byCase = await postForm(w.app, '/admin/privacy/subject', admin.cookie, { _csrf: admin.csrf, q: `#${chat.caseId}` });
    expect(byCase.body).not.toContain('Siti Aminah');
    expect(byCase.body).not.toContain('saya batuk');
    // The case's invite links for contacts stop working.
    expect(w.db.$client.prepare(`SELECT count(*) AS n FROM contact_invites WHERE case_id = ?`).get(chat.caseId)).toEqual({ n: 0 });

    const audit = w.db.$client.prepare(`SELECT actor_kind, actor_id, action, details FROM audit_log WHERE action LIKE 'subject.%' ORDER BY id`).all() as {
      actor_kind: string;
      actor_id: number;
      action: string;
      details: string;
    }[];
    expect(audit.map((a) => a.action)).toEqual([
      'subject.exported',
      'subject.exported',
      'subject.exported',
      'subject.erase_requested',
      'subject.exported',
      'subject.erased',
      'subject.exported',
      'subject.exported',
      'subject.exported',
    ]);
    expect(audit.filter((a) => a.actor_kind === 'user').every((a) => a.actor_id === adminId)).toBe(true);
    for (const a of audit) expect(a.details).not.toContain(phone.slice(3));
  });
});
