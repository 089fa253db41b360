import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createRepositories } from '../../src/db/index.js';
import { loadFlowSource } from '../../src/flow/load.js';
import { createCases } from '../../src/services/cases.js';
import { FlowRegistry } from '../../src/services/flow-registry.js';
import { buildTestWeb, injectLogin, postForm, seedUser, type TestWeb } from '../support/seed.js';

const FLOW = readFileSync(new URL('../../flows/case-interview.yaml', import.meta.url), 'utf8');
const NOW = Date.parse('2026-11-25T08:00:00Z');

let web: TestWeb | undefined;
afterEach(async () => {
  await web?.app.close();
  web = undefined;
});

async function setup(o: Parameters<typeof buildTestWeb>[0] = {}) {
  const flows = o.flows ?? undefined;
  web = await buildTestWeb({ clock: () => NOW, ...o });
  (flows ?? new FlowRegistry(createRepositories(web.db))).publish(FLOW, 'case-interview.yaml', { origin: 'file:case-interview.yaml', now: NOW });
  const coord = await seedUser(web.db, { email: 'citra@example.org', role: 'coordinator', name: 'Citra' });
  const tracer = await seedUser(web.db, { email: 'ani@example.org', role: 'tracer', name: 'Ani' });
  return { w: web, coord: { ...coord, s: await injectLogin(web.app, coord.email, coord.password) }, tracer: { ...tracer, s: await injectLogin(web.app, tracer.email, tracer.password) } };
}

const get = (w: TestWeb, url: string, cookie: string) => w.app.inject({ method: 'GET', url, headers: { cookie, accept: 'text/html' } });
const count = (w: TestWeb, q: string, ...args: unknown[]) => (w.db.$client.prepare(q).get(...args) as { n: number }).n;
const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1];

const PAGES = ['/coord/dashboard', '/coord/cases', '/coord/import', '/coord/contacts', '/coord/chains', '/coord/flows', '/coord/flows/case-interview', '/coord/flows/case-interview/diff?from=1&to=1', '/coord/exports/cases.csv', '/coord/exports/contacts.csv', '/coord/exports/exposures.csv', '/coord/flows/case-interview/export?version=1'];
const POSTS = ['/coord/flows/case-interview/check', '/coord/flows/case-interview/form/step', '/coord/flows/case-interview/form/apply', '/coord/import/problems.csv', '/coord/flows/case-interview/draft', '/coord/flows/case-interview/publish', '/coord/flows/case-interview/rollback', '/coord/flows/case-interview/discard', '/coord/sim/start', '/coord/import/preview', '/coord/import/commit', '/coord/contacts/merge', '/coord/cases/1/start-link', '/coord/cases/outreach'];

describe('who may use the coordinators’ workspace', () => {
  it('lets coordinators in, gives tracers 403 on every page and action, and sends strangers to the login', async () => {
    const { w, coord, tracer } = await setup();
    for (const url of PAGES) {
      expect((await get(w, url, coord.s.cookie)).statusCode, url).toBe(200);
      expect((await get(w, url, tracer.s.cookie)).statusCode, url).toBe(403);
      const anon = await get(w, url, '');
      expect(anon.statusCode, url).toBe(303);
      expect(anon.headers.location).toMatch(/^\/login/);
    }
    for (const url of POSTS) expect((await postForm(w.app, url, tracer.s.cookie, { _csrf: tracer.s.csrf, source: 'x', csv: 'x', ids: '1', keep: '1', merge: '2', flowId: 'case-interview', version: '1' })).statusCode, url).toBe(403);
  });

  it('refuses every action without the session’s CSRF token', async () => {
    const { w, coord } = await setup();
    for (const url of POSTS) {
      const res = await postForm(w.app, url, coord.s.cookie, { source: FLOW, csv: 'case_id,name\nA,B', ids: '1', keep: '1', merge: '2', flowId: 'case-interview', version: '1' });
      expect(res.statusCode, url).toBe(403);
      expect(res.body).toContain('expired');
    }
    const json = await w.app.inject({ method: 'POST', url: '/coord/flows/case-interview/check', headers: { cookie: coord.s.cookie, 'content-type': 'application/json', 'x-csrf-token': 'wrong' }, payload: { source: FLOW } });
    expect(json.statusCode).toBe(403);
    expect(count(w, `SELECT count(*) AS n FROM flow_versions WHERE version = 0`)).toBe(0);
  });

  it('shows coordinators the workspace links and tracers none of them', async () => {
    const { w, coord, tracer } = await setup();
    expect((await get(w, '/inbox', coord.s.cookie)).body).toContain('href="/coord/flows"');
    expect((await get(w, '/inbox', tracer.s.cookie)).body).not.toContain('href="/coord/');
  });
});

describe('the flow editor', () => {
  const check = (w: TestWeb, cookie: string, csrf: string, source: string) =>
    w.app.inject({ method: 'POST', url: '/coord/flows/case-interview/check', headers: { cookie, 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf }, payload: { source } });

  it('checks the text as flows:check does, with the line and column of each problem, and draws the diagram once it is valid', async () => {
    const { w, coord } = await setup();
    const broken = FLOW.replace('next: has_symptoms\n    default: callback', 'next: has_symptom\n    default: callback').replace('max_invalid: 3', 'max_invalid: three');
    const res = await check(w, coord.s.cookie, coord.s.csrf, broken);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { valid: boolean; problems: { line: number; col: number; message: string; severity: string }[]; problemsHtml: string; diagram: string | null };
    const cli = loadFlowSource(broken, 'case-interview.yaml');
    expect(cli.ok).toBe(false);
    expect(body.valid).toBe(false);
    expect(body.problems.map((p) => [p.line, p.col, p.message])).toEqual((cli.ok ? [] : cli.problems).map((p) => [p.line, p.col, p.message]));
    expect(body.problems.some((p) => p.line === broken.split('\n').findIndex((l) => l.includes('max_invalid')) + 1)).toBe(true);
    expect(body.diagram).toBeNull();
    expect(body.problemsHtml).toContain('class="problem error"');

    const ok = (await check(w, coord.s.cookie, coord.s.csrf, FLOW)).json() as typeof body;
    expect(ok.valid).toBe(true);
    expect(ok.diagram).toContain('<svg class="flow-diagram"');
    expect(ok.diagram).toContain('data-step="consent_check"');
    // A flow renamed in the editor of another is refused on its id line.
    const renamed = (await check(w, coord.s.cookie, coord.s.csrf, FLOW.replace('id: case-interview', 'id: other-flow'))).json() as typeof body;
    expect(renamed.problems[0]).toMatchObject({ line: FLOW.split('\n').findIndex((l) => l.startsWith('id: case-interview')) + 1, severity: 'error' });
  });

  it('saves a draft, publishes it as v2 by its author, diffs, exports, rolls back as v3, and never publishes a broken flow', async () => {
    const { w, coord } = await setup();
    const v2 = FLOW.replace('Are you willing to answer a few questions now?', 'May we ask you a few questions now?');
    expect((await postForm(w.app, '/coord/flows/case-interview/draft', coord.s.cookie, { _csrf: coord.s.csrf, source: v2 })).headers.location).toContain('ok=draft_saved_ok');
    const editor = await get(w, '/coord/flows/case-interview', coord.s.cookie);
    expect(editor.body).toContain('May we ask you a few questions now?');
    expect(editor.body).toContain('Draft saved by Citra');

    const broken = await postForm(w.app, '/coord/flows/case-interview/publish', coord.s.cookie, { _csrf: coord.s.csrf, source: `${v2}\n  - id: oops\n    type: nonsense\n` });
    expect(broken.statusCode).toBe(422);
    expect(broken.body).toContain('Not published');
    expect(broken.body).toContain('class="problem error"');
    expect(count(w, `SELECT count(*) AS n FROM flow_versions WHERE version > 0`)).toBe(1);

    const pub = await postForm(w.app, '/coord/flows/case-interview/publish', coord.s.cookie, { _csrf: coord.s.csrf, source: v2 });
    expect(pub.statusCode).toBe(303);
    expect(pub.headers.location).toBe('/coord/flows/case-interview?ok=published_ok&v=2');
    expect(w.db.$client.prepare(`SELECT published_by AS by, origin FROM flow_versions WHERE flow_id = 'case-interview' AND version = 2`).get()).toEqual({ by: coord.id, origin: 'editor' });
    const after = await get(w, '/coord/flows/case-interview?ok=published_ok&v=2', coord.s.cookie);
    expect(after.body).toContain('Published as version 2');
    expect(after.body).toMatch(/<tr data-version="2">[\s\S]*?Citra/);

    const diff = await get(w, '/coord/flows/case-interview/diff?from=1&to=2', coord.s.cookie);
    expect(diff.body).toContain('+1');
    expect(diff.body).toMatch(/<tr class="del">[\s\S]*?Are you willing to answer a few questions now\?/);
    expect(diff.body).toMatch(/<tr class="add">[\s\S]*?May we ask you a few questions now\?/);

    const yaml = await get(w, '/coord/flows/case-interview/export?version=1', coord.s.cookie);
    expect(yaml.headers['content-disposition']).toBe('attachment; filename="case-interview.v1.yaml"');
    expect(yaml.body).toBe(FLOW);

    const back = await postForm(w.app, '/coord/flows/case-interview/rollback', coord.s.cookie, { _csrf: coord.s.csrf, version: '1' });
    expect(back.headers.location).toBe('/coord/flows/case-interview?ok=rolled_back&v=3');
    expect(w.db.$client.prepare(`SELECT source, origin FROM flow_versions WHERE flow_id = 'case-interview' AND version = 3`).get()).toEqual({ source: FLOW, origin: 'rollback:1' });
    expect(count(w, `SELECT count(*) AS n FROM audit_log WHERE action IN ('flow.publish', 'flow.rollback') AND actor_id = ?`, coord.id)).toBe(2);
  });

  it('refreshes the registry the pipeline uses, so new conversations take the new version at once', async () => {
    const base = await buildTestWeb({ clock: () => NOW });
    const flows = new FlowRegistry(createRepositories(base.db));
    await base.app.close();
    const { w, coord } = await setup({ db: base.db, flows });
    expect(flows.latest('case-interview')!.version).toBe(1); // cached by the "pipeline"
    await postForm(w.app, '/coord/flows/case-interview/publish', coord.s.cookie, { _csrf: coord.s.csrf, source: FLOW.replace('Are you willing', 'Are you ready') });
    expect(flows.latest('case-interview')!.version).toBe(2);
  });
});

describe('the simulator', () => {
  it('chats with the editor text in English, keeps the answers, and belongs to the user who started it', async () => {
    const { w, coord } = await setup();
    const other = await seedUser(w.db, { email: 'dodi@example.org', role: 'coordinator', name: 'Dodi' });
    const otherS = await injectLogin(w.app, other.email, other.password);
    const source = FLOW.replace('Have you had any symptoms, such as', 'Have you really had any symptoms, such as');
    const start = await w.app.inject({ method: 'POST', url: '/coord/sim/start', headers: { cookie: coord.s.cookie, 'content-type': 'application/x-www-form-urlencoded', 'hx-request': 'true' }, payload: new URLSearchParams({ _csrf: coord.s.csrf, flowId: 'case-interview', from: 'editor', lang: 'en', source }).toString() });
    expect(start.statusCode).toBe(200);
    expect(start.body).toContain('Are you willing to answer a few questions now?');
    const simId = /data-sim="([^"]+)"/.exec(start.body)![1]!;
    const send = (cookie: string, csrf: string, text: string) =>
      w.app.inject({ method: 'POST', url: `/coord/sim/${simId}/send`, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'hx-request': 'true' }, payload: new URLSearchParams({ _csrf: csrf, text }).toString() });
    const r = await send(coord.s.cookie, coord.s.csrf, 'yes');
    expect(r.body).toContain('Have you really had any symptoms');
    expect(r.body).toMatch(/<dt>consent<\/dt><dd>true<\/dd>/);
    expect((await send(otherS.cookie, otherS.csrf, 'yes')).statusCode).toBe(404);
    // Nothing of the simulation reaches the database.
    expect(count(w, `SELECT count(*) AS n FROM conversations`)).toBe(0);
    expect(count(w, `SELECT count(*) AS n FROM answers`)).toBe(0);

    const bad = await w.app.inject({ method: 'POST', url: '/coord/sim/start', headers: { cookie: coord.s.cookie, 'content-type': 'application/x-www-form-urlencoded', 'hx-request': 'true' }, payload: new URLSearchParams({ _csrf: coord.s.csrf, flowId: 'case-interview', from: 'editor', lang: 'id', source: 'spec: 1\nid: case-interview\n' }).toString() });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('class="problem error"');
    const v1 = await w.app.inject({ method: 'POST', url: '/coord/sim/start', headers: { cookie: coord.s.cookie, 'content-type': 'application/x-www-form-urlencoded', 'hx-request': 'true' }, payload: new URLSearchParams({ _csrf: coord.s.csrf, flowId: 'case-interview', from: '1', lang: 'id' }).toString() });
    expect(v1.body).toContain('Apakah Anda bersedia menjawab beberapa pertanyaan sekarang?');
  });
});

describe('case import', () => {
  const CSV = 'case_id,name,phone,date_of_birth\nA-1,Siti,0812-3456-7890,1985-02-14\nA-2,,0812-3456-7891,1990-01-01\nA-3,Budi,123,1990-13-01\n';
  const form = (w: TestWeb, url: string, cookie: string, fields: Record<string, string>) =>
    w.app.inject({ method: 'POST', url, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'hx-request': 'true' }, payload: new URLSearchParams(fields).toString() });

  it('previews every problem without writing, imports only with the previewed text, and offers outreach and start links', async () => {
    const outreach: number[][] = [];
    const { w, coord } = await setup({ outreach: async (ids) => void outreach.push(ids), deepLink: async (code) => `https://t.me/test_bot?start=${code}` });
    const preview = await form(w, '/coord/import/preview', coord.s.cookie, { _csrf: coord.s.csrf, csv: CSV });
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('data-line="3" data-field="name" data-code="missing"');
    expect(preview.body).toContain('data-line="4" data-field="phone" data-code="bad_phone"');
    expect(preview.body).toContain('data-line="4" data-field="dateOfBirth" data-code="bad_date"');
    expect(preview.body).toContain('Import 1 valid rows');
    expect(count(w, `SELECT count(*) AS n FROM cases`)).toBe(0);
    const sha = /name="sha" value="([0-9a-f]{64})"/.exec(preview.body)![1]!;

    const changed = await form(w, '/coord/import/commit', coord.s.cookie, { _csrf: coord.s.csrf, csv: `${CSV}A-4,Rina,,\n`, sha });
    expect(changed.statusCode).toBe(409);
    expect(count(w, `SELECT count(*) AS n FROM cases`)).toBe(0);

    const done = await form(w, '/coord/import/commit', coord.s.cookie, { _csrf: coord.s.csrf, csv: CSV, sha });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('data-imported="1" data-skipped="2"');
    expect(done.body).toContain('href="https://t.me/test_bot?start=');
    expect(done.body).toContain('<img class="qr" src="data:image/png;base64,');
    const id = (w.db.$client.prepare(`SELECT id FROM cases WHERE external_id = 'A-1'`).get() as { id: number }).id;
    // OUTREACH_ON_CREATE is off in this web: a button offers it.
    expect(outreach).toEqual([]);
    expect(done.body).toContain(`name="ids" value="${id}"`);
    const started = await form(w, '/coord/cases/outreach', coord.s.cookie, { _csrf: coord.s.csrf, ids: String(id) });
    expect(started.body).toContain('Outreach started for 1');
    expect(outreach).toEqual([[id]]);
  });

  it('refuses a file over 10 MB', async () => {
    const { w, coord } = await setup();
    const big = `case_id,name\n${'X-1,Some Name\n'.repeat(Math.ceil((10 * 1024 * 1024) / 14) + 10)}`;
    const res = await form(w, '/coord/import/preview', coord.s.cookie, { _csrf: coord.s.csrf, csv: big });
    expect(res.statusCode).toBe(413);
    expect(res.body).toContain('larger than 10 MB');
  });
});

describe('cases and contacts', () => {
  it('gives a case a new start link shown once (the old one stops working) and escapes what patients wrote', async () => {
    const { w, coord } = await setup({ deepLink: async (code) => `https://t.me/test_bot?start=${code}` });
    const [c] = createCases(createRepositories(w.db), [{ externalId: 'K-1', name: '<img src=x onerror=alert(1)>', phone: '+6281234567890', dateOfBirth: null, testDate: null, confirmedAt: NOW, language: 'id', area: null }], { now: NOW, startCodeTtlMs: 86_400_000 });
    const page = await get(w, `/coord/cases/${c!.id}`, coord.s.cookie);
    expect(page.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page.body).not.toContain('<img src=x');
    const before = (w.db.$client.prepare(`SELECT start_code_hash AS h FROM cases WHERE id = ?`).get(c!.id) as { h: string }).h;
    const res = await postForm(w.app, `/coord/cases/${c!.id}/start-link`, coord.s.cookie, { _csrf: coord.s.csrf });
    expect(res.statusCode).toBe(200);
    const code = /<code class="start-code">([^<]+)<\/code>/.exec(res.body)![1]!;
    expect(code).not.toBe(c!.startCode);
    expect(res.body).toContain(`https://t.me/test_bot?start=${code}`);
    expect((w.db.$client.prepare(`SELECT start_code_hash AS h FROM cases WHERE id = ?`).get(c!.id) as { h: string }).h).not.toBe(before);
    expect(count(w, `SELECT count(*) AS n FROM audit_log WHERE action = 'case.start_link'`)).toBe(1);
    expect((await get(w, '/coord/cases/999999', coord.s.cookie)).statusCode).toBe(404);
  });

  it('offers likely duplicates and merges them only when asked, recorded in the audit log', async () => {
    const { w, coord } = await setup();
    const [k] = createCases(createRepositories(w.db), [{ externalId: 'M-1', name: 'Case', phone: null, dateOfBirth: null, testDate: null, confirmedAt: NOW, language: 'id', area: null }], { now: NOW, startCodeTtlMs: 1 });
    const contact = (name: string, phone: string | null) => (w.db.$client.prepare(`INSERT INTO contacts (name, phone, area) VALUES (?, ?, 'Tebet') RETURNING id`).get(name, phone) as { id: number }).id;
    const a = contact('Siti Rahmawati', '+6281200000001');
    const b = contact('Siti Rahmawati', null);
    for (const id of [a, b]) w.db.$client.prepare(`INSERT INTO exposures (case_id, contact_id, setting, last_contact_date) VALUES (?, ?, 'household', '2026-11-20')`).run(k!.id, id);
    const list = await get(w, '/coord/contacts', coord.s.cookie);
    expect(list.body).toContain(`data-pair="${a}-${b}"`);
    expect(count(w, `SELECT count(*) AS n FROM contacts WHERE merged_into_id IS NOT NULL`)).toBe(0);
    const res = await postForm(w.app, '/coord/contacts/merge', coord.s.cookie, { _csrf: coord.s.csrf, keep: String(a), merge: String(b) });
    expect(res.headers.location).toBe('/coord/contacts?ok=merged_ok&n=1');
    expect(count(w, `SELECT count(*) AS n FROM exposures WHERE contact_id = ?`, a)).toBe(2);
    expect(count(w, `SELECT count(*) AS n FROM audit_log WHERE action = 'contact.merge' AND actor_id = ?`, coord.id)).toBe(1);
    const merged = await get(w, `/coord/contacts/${b}`, coord.s.cookie);
    expect(merged.headers.location).toBe(`/coord/contacts/${a}`);
    const page = await get(w, `/coord/contacts/${a}`, coord.s.cookie);
    // Last contact 20 Nov + the monitoring policy's 5 quarantine days.
    expect(page.body).toContain('<dd id="quarantine-until">2026-11-25</dd>');
  });

  it('renders every page in Indonesian with no untranslated key showing', async () => {
    const { w } = await setup();
    const dewi = await seedUser(w.db, { email: 'dewi@example.org', role: 'coordinator', name: 'Dewi', language: 'id' });
    const s = await injectLogin(w.app, dewi.email, dewi.password);
    for (const url of PAGES.filter((u) => !u.includes('export'))) {
      const res = await get(w, url, s.cookie);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).not.toMatch(/>\s*(case_status|sim_status|sim_ev|field|why)_[a-z_]+\s*</);
      expect(csrfOf(res.body)).toBeTruthy();
    }
    expect((await get(w, '/coord/flows/case-interview', s.cookie)).body).toContain('Terbitkan sebagai v2');
    expect((await get(w, '/coord/dashboard', s.cookie)).body).toContain('Terkonfirmasi');
  });
});
