import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { schema } from '../../src/db/index.js';
import { buildTestWeb, injectLogin, postForm, seedConversation, seedEscalated, seedExposure, seedInbound, seedUser, type TestWeb } from '../support/seed.js';

let web: TestWeb | undefined;
afterEach(async () => {
  await web?.app.close();
  web = undefined;
});

async function twoTracers(w: TestWeb) {
  const a = await seedUser(w.db, { email: 'ani@example.org', role: 'tracer', name: 'Ani' });
  const b = await seedUser(w.db, { email: 'budi@example.org', role: 'tracer', name: 'Budi' });
  return { a: { ...a, s: await injectLogin(w.app, a.email, a.password) }, b: { ...b, s: await injectLogin(w.app, b.email, b.password) } };
}

function conversation(w: TestWeb, id: number) {
  return w.db.select().from(schema.conversations).where(eq(schema.conversations.id, id)).get()!;
}

describe('the queue page', () => {
  it('lists waiting chats urgent first, then longest waiting, with reason, priority, channel and waiting time', async () => {
    const now = Date.parse('2026-11-25T08:00:00Z');
    web = await buildTestWeb({ clock: () => now });
    const { a } = await twoTracers(web);
    seedEscalated(web.db, { name: 'Old Normal', waitingSince: now - 50 * 60_000 });
    seedEscalated(web.db, { name: 'New Urgent', priority: 'urgent', reason: 'risky_answer', waitingSince: now - 5 * 60_000 });
    seedEscalated(web.db, { name: 'Older High', priority: 'high', waitingSince: now - 20 * 60_000 });
    const res = await web.app.inject({ method: 'GET', url: '/inbox?view=unassigned', headers: { cookie: a.s.cookie } });
    expect(res.statusCode).toBe(200);
    const order = ['New Urgent', 'Older High', 'Old Normal'].map((n) => res.body.indexOf(n));
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(res.body).toContain('Risky answer');
    expect(res.body).toContain('50 min');
    expect(res.body).toContain('Test phone (/phone)');
    const mine = await web.app.inject({ method: 'GET', url: '/inbox/list?view=mine', headers: { cookie: a.s.cookie } });
    expect(mine.body).not.toContain('New Urgent');
  });

  it('"take next chat" gives the most urgent waiting chat and respects the per-tracer cap', async () => {
    web = await buildTestWeb();
    const t = await seedUser(web.db, { email: 'cap@example.org', role: 'tracer', maxChats: 1 });
    const s = await injectLogin(web.app, t.email, t.password);
    const normal = seedEscalated(web.db, { waitingSince: Date.now() - 60_000 });
    const urgent = seedEscalated(web.db, { priority: 'urgent' });
    const first = await postForm(web.app, '/inbox/next', s.cookie, { _csrf: s.csrf });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe(`/inbox/c/${urgent.conversationId}?ok=claimed_ok`);
    const second = await postForm(web.app, '/inbox/next', s.cookie, { _csrf: s.csrf });
    expect(second.statusCode).toBe(409);
    expect(second.body).toContain('limit');
    expect(conversation(web, normal.conversationId).assigneeId).toBeNull();
  });
});

describe('claiming', () => {
  it('lets exactly one of two tracers claiming at the same moment win, and tells the other who has it', async () => {
    web = await buildTestWeb();
    const { a, b } = await twoTracers(web);
    const chat = seedEscalated(web.db);
    const [ra, rb] = await Promise.all([
      postForm(web.app, `/inbox/c/${chat.conversationId}/claim`, a.s.cookie, { _csrf: a.s.csrf }),
      postForm(web.app, `/inbox/c/${chat.conversationId}/claim`, b.s.cookie, { _csrf: b.s.csrf }),
    ]);
    const statuses = [ra.statusCode, rb.statusCode].sort();
    expect(statuses).toEqual([303, 409]);
    const winner = ra.statusCode === 303 ? a : b;
    const loser = ra.statusCode === 303 ? rb : ra;
    expect(loser.body).toContain(`${winner.name} already has this chat`);
    const conv = conversation(web, chat.conversationId);
    expect(conv).toMatchObject({ owner: 'tracer', assigneeId: winner.id });
    const esc = web.db.select().from(schema.escalations).where(eq(schema.escalations.id, chat.escalationId)).get()!;
    expect(esc).toMatchObject({ status: 'pending', assigneeId: winner.id });
    expect(web.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'claim')).all()).toHaveLength(1);
  });

  it('transfers to another tracer and releases back to the queue', async () => {
    web = await buildTestWeb();
    const { a, b } = await twoTracers(web);
    const chat = seedEscalated(web.db);
    await postForm(web.app, `/inbox/c/${chat.conversationId}/claim`, a.s.cookie, { _csrf: a.s.csrf });
    const stolen = await postForm(web.app, `/inbox/c/${chat.conversationId}/transfer`, b.s.cookie, { _csrf: b.s.csrf, to: String(b.id) });
    expect(stolen.statusCode).toBe(409);
    const moved = await postForm(web.app, `/inbox/c/${chat.conversationId}/transfer`, a.s.cookie, { _csrf: a.s.csrf, to: String(b.id) });
    expect(moved.statusCode).toBe(303);
    expect(conversation(web, chat.conversationId).assigneeId).toBe(b.id);
    const released = await postForm(web.app, `/inbox/c/${chat.conversationId}/release`, b.s.cookie, { _csrf: b.s.csrf });
    expect(released.statusCode).toBe(303);
    expect(conversation(web, chat.conversationId)).toMatchObject({ owner: 'tracer', assigneeId: null });
    const esc = web.db.select().from(schema.escalations).where(eq(schema.escalations.id, chat.escalationId)).get()!;
    expect(esc).toMatchObject({ status: 'open', assigneeId: null });
  });

  it('lets a coordinator take a chat straight from the bot; a tracer may not open a chat nobody escalated (need-to-know)', async () => {
    web = await buildTestWeb();
    const { a } = await twoTracers(web);
    const k = await seedUser(web.db, { email: 'koor@example.org', role: 'coordinator' });
    const ks = await injectLogin(web.app, k.email, k.password);
    const c = seedConversation(web.db);
    expect((await postForm(web.app, `/inbox/c/${c.conversationId}/claim`, a.s.cookie, { _csrf: a.s.csrf })).statusCode).toBe(403);
    const res = await postForm(web.app, `/inbox/c/${c.conversationId}/claim`, ks.cookie, { _csrf: ks.csrf });
    expect(res.statusCode).toBe(303);
    expect(conversation(web, c.conversationId)).toMatchObject({ owner: 'tracer', assigneeId: k.id });
    const esc = web.db.select().from(schema.escalations).where(eq(schema.escalations.conversationId, c.conversationId)).get()!;
    expect(esc).toMatchObject({ status: 'pending', reason: 'tracer_takeover', assigneeId: k.id });
  });
});

describe('the conversation', () => {
  it('shows patient text as text: an <img onerror> payload is escaped, never markup', async () => {
    web = await buildTestWeb();
    const { a } = await twoTracers(web);
    const chat = seedEscalated(web.db, { name: '<script>alert("name")</script>' });
    seedInbound(web.db, chat.conversationId, '<img src=x onerror=alert(1)>');
    const page = await web.app.inject({ method: 'GET', url: `/inbox/c/${chat.conversationId}`, headers: { cookie: a.s.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).not.toContain('<script>alert');
    const queue = await web.app.inject({ method: 'GET', url: '/inbox', headers: { cookie: a.s.cookie } });
    expect(queue.body).toContain('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;');
  });

  it('sends a reply through the outbox in one step (message queued + send row), flushes it, and audits it', async () => {
    web = await buildTestWeb();
    const { a, b } = await twoTracers(web);
    const chat = seedEscalated(web.db);
    const early = await postForm(web.app, `/inbox/c/${chat.conversationId}/reply`, a.s.cookie, { _csrf: a.s.csrf, text: 'Halo' });
    expect(early.statusCode).toBe(409);
    await postForm(web.app, `/inbox/c/${chat.conversationId}/claim`, a.s.cookie, { _csrf: a.s.csrf });
    const res = await postForm(web.app, `/inbox/c/${chat.conversationId}/reply`, a.s.cookie, { _csrf: a.s.csrf, text: 'Halo, saya Ani dari Dinkes.' });
    expect(res.statusCode).toBe(303);
    const msg = web.db.select().from(schema.messages).where(eq(schema.messages.conversationId, chat.conversationId)).all().at(-1)!;
    expect(msg).toMatchObject({ direction: 'out', sender: 'tracer', authorId: a.id, status: 'queued', text: 'Halo, saya Ani dari Dinkes.' });
    // Only `send` rows: the seeded escalation put its own `escalation.created` event in the outbox (one escalation rule).
    const out = web.db.select().from(schema.outbox).where(and(eq(schema.outbox.conversationId, chat.conversationId), eq(schema.outbox.kind, 'send'))).all();
    expect(out).toHaveLength(1);
    expect(out[0]!.kind).toBe('send');
    expect(JSON.parse(out[0]!.payload)).toMatchObject({ messageIds: [msg.id] });
    expect(web.pipeline.flushes).toBe(1);
    const audit = web.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'reply')).get()!;
    expect(JSON.parse(audit.details!)).toEqual({ messageId: msg.id });
    const notMine = await postForm(web.app, `/inbox/c/${chat.conversationId}/reply`, b.s.cookie, { _csrf: b.s.csrf, text: 'me too' });
    expect(notMine.statusCode).toBe(409);
    expect(notMine.body).toContain('Only Ani');
    const page = await web.app.inject({ method: 'GET', url: `/inbox/c/${chat.conversationId}/part/transcript`, headers: { cookie: a.s.cookie } });
    expect(page.body).toContain('data-status="queued"');
    expect(page.body).toContain('Ani');
  });

  it('adds internal notes that are never sent', async () => {
    web = await buildTestWeb();
    const { b } = await twoTracers(web);
    const chat = seedEscalated(web.db);
    const res = await postForm(web.app, `/inbox/c/${chat.conversationId}/note`, b.s.cookie, { _csrf: b.s.csrf, text: 'Called twice, no answer' });
    expect(res.statusCode).toBe(303);
    const note = web.db.select().from(schema.messages).where(eq(schema.messages.direction, 'note')).get()!;
    expect(note).toMatchObject({ sender: 'tracer', authorId: b.id, kind: 'note' });
    expect(web.db.select().from(schema.outbox).where(eq(schema.outbox.kind, 'send')).all()).toHaveLength(0);
  });

  it('hands the chat back to the bot at a chosen step and asks the pipeline to resume there', async () => {
    web = await buildTestWeb({ flowSteps: () => [{ id: 'onset', type: 'ask' }, { id: 'contacts', type: 'collect' }] });
    const { a } = await twoTracers(web);
    const chat = seedEscalated(web.db);
    await postForm(web.app, `/inbox/c/${chat.conversationId}/claim`, a.s.cookie, { _csrf: a.s.csrf });
    const page = await web.app.inject({ method: 'GET', url: `/inbox/c/${chat.conversationId}`, headers: { cookie: a.s.cookie } });
    expect(page.body).toContain('<option value="contacts">');
    const res = await postForm(web.app, `/inbox/c/${chat.conversationId}/hand-back`, a.s.cookie, { _csrf: a.s.csrf, stepId: 'contacts' });
    expect(res.statusCode).toBe(303);
    expect(conversation(web, chat.conversationId)).toMatchObject({ owner: 'bot', assigneeId: null });
    const esc = web.db.select().from(schema.escalations).where(eq(schema.escalations.id, chat.escalationId)).get()!;
    expect(esc).toMatchObject({ status: 'resolved', outcome: 'handed_back' });
    expect(web.pipeline.resumes).toEqual([{ conversationId: chat.conversationId, stepId: 'contacts' }]);
    const audit = web.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'hand_back')).get()!;
    expect(JSON.parse(audit.details!)).toMatchObject({ stepId: 'contacts' });
  });

  it('resolves with an outcome and closes the conversation', async () => {
    web = await buildTestWeb();
    const { a } = await twoTracers(web);
    const chat = seedEscalated(web.db);
    await postForm(web.app, `/inbox/c/${chat.conversationId}/claim`, a.s.cookie, { _csrf: a.s.csrf });
    const res = await postForm(web.app, `/inbox/c/${chat.conversationId}/resolve`, a.s.cookie, { _csrf: a.s.csrf, outcome: 'completed_by_phone' });
    expect(res.statusCode).toBe(303);
    expect(conversation(web, chat.conversationId)).toMatchObject({ owner: 'closed', closedReason: 'resolved' });
    const esc = web.db.select().from(schema.escalations).where(eq(schema.escalations.id, chat.escalationId)).get()!;
    expect(esc).toMatchObject({ status: 'resolved', outcome: 'completed_by_phone' });
    const resolved = await web.app.inject({ method: 'GET', url: '/inbox/list?view=all&status=resolved', headers: { cookie: a.s.cookie } });
    expect(resolved.body).toContain('Completed by phone');
  });

  it('edits an answer and a contact, auditing old and new values', async () => {
    web = await buildTestWeb();
    const { a } = await twoTracers(web);
    const chat = seedEscalated(web.db);
    const { exposureId, contactId } = seedExposure(web.db, chat.caseId, chat.conversationId, { name: 'Sari', phone: null });
    await postForm(web.app, `/inbox/c/${chat.conversationId}/claim`, a.s.cookie, { _csrf: a.s.csrf });
    const bad = await postForm(web.app, `/inbox/c/${chat.conversationId}/answer`, a.s.cookie, { _csrf: a.s.csrf, key: 'household_size', value: 'many' });
    expect(bad.statusCode).toBe(400);
    const ok = await postForm(web.app, `/inbox/c/${chat.conversationId}/answer`, a.s.cookie, { _csrf: a.s.csrf, key: 'household_size', value: '5' });
    expect(ok.statusCode).toBe(303);
    const answer = web.db.select().from(schema.answers).where(and(eq(schema.answers.conversationId, chat.conversationId), eq(schema.answers.key, 'household_size'))).get()!;
    expect(JSON.parse(answer.value)).toBe(5);
    expect(answer.updatedBy).toBe(a.id);
    expect(JSON.parse(conversation(web, chat.conversationId).state).answers.household_size).toBe(5);
    const edit = await postForm(web.app, `/inbox/c/${chat.conversationId}/exposure/${exposureId}`, a.s.cookie, { _csrf: a.s.csrf, name: 'Sari W.', phone: '0812-3456-7890', setting: 'workplace', hasSymptoms: 'yes' });
    expect(edit.statusCode).toBe(303);
    const contact = web.db.select().from(schema.contacts).where(eq(schema.contacts.id, contactId)).get()!;
    expect(contact).toMatchObject({ name: 'Sari W.', phone: '+6281234567890' });
    const rows = web.db.select().from(schema.auditLog).all();
    const answerAudit = rows.find((r) => r.action === 'edit_answer')!;
    expect(JSON.parse(answerAudit.details!)).toEqual({ key: 'household_size', old: 3, new: 5 });
    const contactAudit = rows.find((r) => r.action === 'edit_contact')!;
    expect(JSON.parse(contactAudit.details!).changes).toMatchObject({ 'contact.name': { old: 'Sari', new: 'Sari W.' }, 'exposure.setting': { old: 'household', new: 'workplace' } });
  });

  it('renders in Indonesian for an Indonesian-speaking tracer', async () => {
    web = await buildTestWeb();
    const u = await seedUser(web.db, { email: 'ina@example.org', role: 'tracer', language: 'id' });
    const s = await injectLogin(web.app, u.email, u.password);
    const chat = seedEscalated(web.db);
    const page = await web.app.inject({ method: 'GET', url: `/inbox/c/${chat.conversationId}`, headers: { cookie: s.cookie } });
    expect(page.body).toContain('Ambil');
    expect(page.body).toContain('lang="id"');
    const switched = await postForm(web.app, '/account/language', s.cookie, { _csrf: s.csrf, language: 'en' });
    expect(switched.statusCode).toBe(303);
    const after = await web.app.inject({ method: 'GET', url: `/inbox/c/${chat.conversationId}`, headers: { cookie: s.cookie } });
    expect(after.body).toContain('>Claim<');
  });
});
