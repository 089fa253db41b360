import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { schema } from '../../src/db/index.js';
import { areaCodeOf, AREAS, withinAreas } from '../../src/domain/areas.js';
import { buildTestWeb, injectLogin, postForm, seedConversation, seedEscalated, seedUser, type TestWeb } from '../support/seed.js';

let web: TestWeb | undefined;
afterEach(async () => {
  await web?.app.close();
  web = undefined;
});

function setArea(w: TestWeb, caseId: number, area: string) {
  w.db.update(schema.cases).set({ area }).where(eq(schema.cases.id, caseId)).run();
}

function views(w: TestWeb, entityType: string, entityId: number) {
  return w.db.select().from(schema.auditLog).where(and(eq(schema.auditLog.action, 'view'), eq(schema.auditLog.entityType, entityType), eq(schema.auditLog.entityId, String(entityId)))).all();
}

const get = (w: TestWeb, url: string, cookie: string) => w.app.inject({ method: 'GET', url, headers: { cookie, accept: 'text/html' } });

describe('areas', () => {
  it('lists Jakarta: 6 kota/kabupaten and 44 kecamatan, each kecamatan inside its kota', () => {
    expect(AREAS.filter((a) => !a.parent)).toHaveLength(6);
    expect(AREAS.filter((a) => a.parent)).toHaveLength(44);
    for (const a of AREAS.filter((x) => x.parent)) expect(withinAreas(a.code, [a.parent!])).toBe(true);
  });

  it('reads the area cases are imported with: codes, kecamatan names, "kecamatan, kota", kota names', () => {
    expect(areaCodeOf('31.74.tebet')).toBe('31.74.tebet');
    expect(areaCodeOf('Tebet')).toBe('31.74.tebet');
    expect(areaCodeOf('Tebet, Jakarta Selatan')).toBe('31.74.tebet');
    expect(areaCodeOf('Kec. Setia Budi')).toBe('31.74.setiabudi');
    expect(areaCodeOf('Pulogadung')).toBe('31.75.pulo-gadung');
    expect(areaCodeOf('Kota Jakarta Timur')).toBe('31.75');
    expect(areaCodeOf('Bandung')).toBeNull();
    expect(withinAreas('31.74.tebet', ['31.75'])).toBe(false);
  });
});

describe('need-to-know access to conversations', () => {
  it('gives a tracer of another area 403 on a chat of an area not theirs, and lets the area’s tracer in', async () => {
    web = await buildTestWeb();
    const east = await seedUser(web.db, { email: 'east@example.org', role: 'tracer', areas: ['31.75'] });
    const south = await seedUser(web.db, { email: 'south@example.org', role: 'tracer', areas: ['31.74'] });
    const chat = seedEscalated(web.db, { name: 'Siti' });
    setArea(web, chat.caseId, 'Tebet, Jakarta Selatan');

    const e = await injectLogin(web.app, east.email, east.password);
    const refused = await get(web, `/inbox/c/${chat.conversationId}`, e.cookie);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain('Siti');
    // Actions on it are refused the same way, and change nothing.
    expect((await postForm(web.app, `/inbox/c/${chat.conversationId}/claim`, e.cookie, { _csrf: e.csrf })).statusCode).toBe(403);
    expect(web.db.select().from(schema.conversations).where(eq(schema.conversations.id, chat.conversationId)).get()!.assigneeId).toBeNull();
    expect(web.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'access_denied')).all()).toHaveLength(2);
    // Not in their queue either, nor taken by "next chat".
    expect((await get(web, '/inbox/list?view=all&status=active', e.cookie)).body).not.toContain(`data-conversation-id="${chat.conversationId}"`);
    const next = await postForm(web.app, '/inbox/next', e.cookie, { _csrf: e.csrf });
    expect(next.statusCode).toBe(409);

    const s = await injectLogin(web.app, south.email, south.password);
    expect((await get(web, '/inbox/list?view=all&status=active', s.cookie)).body).toContain(`data-conversation-id="${chat.conversationId}"`);
    const opened = await get(web, `/inbox/c/${chat.conversationId}`, s.cookie);
    expect(opened.statusCode).toBe(200);
    expect(opened.body).toContain('Siti');
  });

  it('does not let a tracer open a chat by its number when it is not escalated nor theirs, even in their area', async () => {
    web = await buildTestWeb();
    const t = await seedUser(web.db, { email: 't@example.org', role: 'tracer', areas: ['31.74'] });
    const quiet = seedConversation(web.db, { name: 'Bot Only' });
    setArea(web, quiet.caseId, '31.74.tebet');
    const s = await injectLogin(web.app, t.email, t.password);
    expect((await get(web, `/inbox/c/${quiet.conversationId}`, s.cookie)).statusCode).toBe(403);
    expect((await get(web, `/inbox/c/${quiet.conversationId}/part/transcript`, s.cookie)).statusCode).toBe(403);
  });

  it('keeps a chat a tracer claimed open to them after it is resolved', async () => {
    web = await buildTestWeb();
    const t = await seedUser(web.db, { email: 't@example.org', role: 'tracer', areas: ['31.74'] });
    const chat = seedEscalated(web.db);
    setArea(web, chat.caseId, 'Cilandak');
    const s = await injectLogin(web.app, t.email, t.password);
    expect((await postForm(web.app, `/inbox/c/${chat.conversationId}/claim`, s.cookie, { _csrf: s.csrf })).statusCode).toBe(303);
    expect((await postForm(web.app, `/inbox/c/${chat.conversationId}/resolve`, s.cookie, { _csrf: s.csrf, outcome: 'reached' })).statusCode).toBe(303);
    expect((await get(web, `/inbox/c/${chat.conversationId}`, s.cookie)).statusCode).toBe(200);
  });

  it('lets a coordinator see their areas only, and a coordinator without an area and an admin see all', async () => {
    web = await buildTestWeb();
    const north = await seedUser(web.db, { email: 'north@example.org', role: 'coordinator', areas: ['31.72'] });
    const everyCoord = await seedUser(web.db, { email: 'all@example.org', role: 'coordinator' });
    const admin = await seedUser(web.db, { email: 'admin@example.org', role: 'admin', areas: ['31.72'] });
    const chat = seedConversation(web.db, { name: 'Dewi' });
    setArea(web, chat.caseId, 'Cakung');
    const n = await injectLogin(web.app, north.email, north.password);
    expect((await get(web, `/inbox/c/${chat.conversationId}`, n.cookie)).statusCode).toBe(403);
    expect((await get(web, `/coord/cases/${chat.caseId}`, n.cookie)).statusCode).toBe(403);
    expect((await get(web, '/coord/cases', n.cookie)).body).not.toContain(`data-case-id="${chat.caseId}"`);
    // Office-wide lists of people (contacts, chains, exports) are not for staff limited to areas.
    for (const url of ['/coord/contacts', '/coord/chains', '/coord/exports/cases.csv', '/coord/exports/contacts.csv']) {
      expect((await get(web, url, n.cookie)).statusCode, url).toBe(403);
    }
    for (const u of [everyCoord, admin]) {
      const s = await injectLogin(web.app, u.email, u.password);
      expect((await get(web, `/inbox/c/${chat.conversationId}`, s.cookie)).statusCode, u.email).toBe(200);
      expect((await get(web, `/coord/cases/${chat.caseId}`, s.cookie)).statusCode, u.email).toBe(200);
      expect((await get(web, '/coord/contacts', s.cookie)).statusCode, u.email).toBe(200);
      expect((await get(web, '/coord/exports/cases.csv', s.cookie)).statusCode, u.email).toBe(200);
    }
  });
});

describe('access log', () => {
  it('writes every opening of a case or conversation page to the audit log and shows admins who looked at the case', async () => {
    web = await buildTestWeb();
    const coord = await seedUser(web.db, { email: 'coord@example.org', role: 'coordinator' });
    const admin = await seedUser(web.db, { email: 'admin@example.org', role: 'admin' });
    const chat = seedEscalated(web.db, { name: 'Rina' });
    const c = await injectLogin(web.app, coord.email, coord.password);
    await get(web, `/inbox/c/${chat.conversationId}`, c.cookie);
    await get(web, `/inbox/c/${chat.conversationId}`, c.cookie);
    await get(web, `/coord/cases/${chat.caseId}`, c.cookie);
    // A live refresh of part of the page is not a new opening.
    await get(web, `/inbox/c/${chat.conversationId}/part/transcript`, c.cookie);
    const convViews = views(web, 'conversation', chat.conversationId);
    expect(convViews).toHaveLength(2);
    expect(convViews.every((v) => v.actorId === coord.id && v.at > 0)).toBe(true);
    expect(views(web, 'case', chat.caseId)).toHaveLength(1);

    const coordPage = await get(web, `/coord/cases/${chat.caseId}`, c.cookie);
    expect(coordPage.body).not.toContain('id="case-viewers"');
    const a = await injectLogin(web.app, admin.email, admin.password);
    const page = await get(web, `/coord/cases/${chat.caseId}`, a.cookie);
    const section = page.body.slice(page.body.indexOf('id="case-viewers"'));
    expect(section.match(/data-viewer="coord@example.org"/g)).toHaveLength(4);
    expect(section).toContain(`conversation ${chat.conversationId}`);
  });
});
