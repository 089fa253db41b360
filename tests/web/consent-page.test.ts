import { afterEach, describe, expect, it } from 'vitest';
import { createRepositories } from '../../src/db/index.js';
import { caseDetail } from '../../src/services/case-queries.js';
import { buildTestWeb, injectLogin, seedConversation, seedUser, type TestWeb } from '../support/seed.js';

const NOW = Date.parse('2026-11-25T08:00:00Z');
let web: TestWeb | undefined;
afterEach(async () => {
  await web?.app.close();
  web = undefined;
});

describe('the case page and the case API show the consent record (issue 17)', () => {
  it('lists each answer with the flow version, the exact text shown and when, in the UI language', async () => {
    web = await buildTestWeb({ clock: () => NOW });
    const repos = createRepositories(web.db);
    const conv = seedConversation(web.db, { name: 'Sri Wahyuni' });
    const c = { id: conv.caseId };
    const shown = 'Jawaban Anda hanya dipakai untuk pelacakan kontak <b>oleh</b> Dinas Kesehatan. Apakah Anda bersedia?';
    repos.consent.record({ conversationId: conv.conversationId, caseId: c.id, flowId: 'case-interview', flowVersion: 3, stepId: 'consent', textShown: shown, language: 'id', answer: 'declined', answeredAt: NOW - 60_000 });

    const coord = await seedUser(web.db, { email: 'citra@example.org', role: 'coordinator', name: 'Citra', language: 'en' });
    const s = await injectLogin(web.app, coord.email, coord.password);
    const page = await web.app.inject({ method: 'GET', url: `/coord/cases/${c.id}`, headers: { cookie: s.cookie, accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    const card = /<section class="card" id="case-consent">([\s\S]*?)<\/section>/.exec(page.body)![1]!;
    expect(card).toContain('Declined');
    expect(card).toContain('<code>case-interview@v3</code>');
    expect(card).toContain('&lt;b&gt;oleh&lt;/b&gt;');
    expect(card).toContain('only the case, that they declined and when are kept');

    const detail = caseDetail(repos, c.id)!;
    expect(detail.consent).toEqual([
      { id: expect.any(Number), conversationId: conv.conversationId, caseId: c.id, flowId: 'case-interview', flowVersion: 3, stepId: 'consent', textShown: shown, language: 'id', answer: 'declined', answeredAt: NOW - 60_000 },
    ]);
  });
});
