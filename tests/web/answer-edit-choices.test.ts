import { readFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories, schema } from '../../src/db/index.js';
import { FlowRegistry } from '../../src/services/flow-registry.js';
import { buildTestWeb, injectLogin, postForm, seedConversation, seedUser, type TestWeb } from '../support/seed.js';

let web: TestWeb;
beforeAll(async () => {
  web = await buildTestWeb();
  const source = readFileSync(new URL('../../flows/case-interview.yaml', import.meta.url), 'utf8');
  new FlowRegistry(createRepositories(web.db)).publish(source, 'case-interview.yaml', { origin: 'file:case-interview.yaml', now: 1 });
});
afterAll(async () => {
  await web.app.close();
});

describe('editing a choice answer on the conversation page', () => {
  it('offers the flow’s choices by their labels, never their codes, and saves the codes', async () => {
    const chat = seedConversation(web.db, { name: 'Rudi' });
    web.db.insert(schema.answers).values({ conversationId: chat.conversationId, caseId: chat.caseId, key: 'symptoms', value: JSON.stringify(['fever', 'breathing']), stepId: 'symptoms' }).run();
    const dina = await seedUser(web.db, { email: 'dina-edit@example.org', role: 'coordinator', language: 'id' });
    const s = await injectLogin(web.app, dina.email, dina.password);
    const page = await web.app.inject({ method: 'GET', url: `/inbox/c/${chat.conversationId}`, headers: { cookie: s.cookie } });
    expect(page.statusCode).toBe(200);
    const form = /<form method="post" action="\/inbox\/c\/\d+\/answer"[^]*?name="key" value="symptoms"[^]*?<\/form>/.exec(page.body)![0];
    expect(form).toContain('<input type="checkbox" name="values" value="fever" checked> Demam');
    expect(form).toContain('<input type="checkbox" name="values" value="cough"> Batuk');
    expect(form.replace(/<[^>]+>/g, '')).not.toMatch(/fever|breathing/);

    const saved = await web.app.inject({
      method: 'POST',
      url: `/inbox/c/${chat.conversationId}/answer`,
      headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(s.csrf)}&key=symptoms&value=&values=fever&values=cough`,
    });
    expect(saved.statusCode).toBe(303);
    const row = web.db.select().from(schema.answers).where(and(eq(schema.answers.conversationId, chat.conversationId), eq(schema.answers.key, 'symptoms'))).get()!;
    expect(JSON.parse(row.value)).toEqual(['fever', 'cough']);
    // A typed value still works for answers without choices.
    expect((await postForm(web.app, `/inbox/c/${chat.conversationId}/answer`, s.cookie, { _csrf: s.csrf, key: 'household_size', value: '4' })).statusCode).toBe(303);
  });
});
