import { afterEach, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/services/coordinator/index.js';
import { buildTestWeb, injectLogin, seedUser, type TestWeb } from '../support/seed.js';

// Issue 14 item 10: exports that open right in Excel set up for Indonesia, times with the offset, a bad range is an error;
// the import's problem rows come back as a CSV to fix and import again.
const NOW = Date.parse('2026-11-25T08:00:00Z'); // 15:00 in Jakarta

let web: TestWeb | undefined;
afterEach(async () => {
  await web?.app.close();
  web = undefined;
});

async function setup() {
  web = await buildTestWeb({ clock: () => NOW });
  const coord = await seedUser(web.db, { email: 'citra-x@example.org', role: 'coordinator', name: 'Citra', language: 'id' });
  return { w: web, s: await injectLogin(web.app, coord.email, coord.password) };
}
const get = (w: TestWeb, url: string, cookie: string) => w.app.inject({ method: 'GET', url, headers: { cookie } });
const post = (w: TestWeb, url: string, cookie: string, fields: Record<string, string>, htmx = true) =>
  w.app.inject({ method: 'POST', url, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...(htmx ? { 'hx-request': 'true' } : {}) }, payload: new URLSearchParams(fields).toString() });
const CSV = 'case_id,name,phone,date_of_birth\nA-1,Siti,0812-3456-7890,1985-02-14\nA-2,"=HYPERLINK(""http://evil"")",0812-3456-7891,1990-13-01\nA-3,Budi,123,1990-01-01\n';

describe('exports for spreadsheets', () => {
  it('refuses a date that cannot be read and a reversed range instead of exporting everything', async () => {
    const { w, s } = await setup();
    for (const q of ['from=2026-13-01', 'to=kemarin', 'from=2026-11-01&to=2026-11-01x', 'from=2026-11-01&from=2026-11-02']) {
      const res = await get(w, `/coord/exports/cases.csv?${q}`, s.cookie);
      expect(res.statusCode, q).toBe(400);
      expect(res.headers['content-type'], q).toMatch(/text\/html/);
      expect(res.body, q).toContain('Ekspor tidak dibuat');
    }
    const reversed = await get(w, '/coord/exports/cases.csv?from=2026-11-20&to=2026-11-01', s.cookie);
    expect(reversed.statusCode).toBe(400);
    expect(reversed.body).toContain('2026-11-20');
    expect((w.db.$client.prepare(`SELECT count(*) AS n FROM audit_log WHERE action LIKE 'export.%'`).get() as { n: number }).n).toBe(0);
    expect((await get(w, '/coord/exports/cases.csv?from=2026-11-01&to=2026-11-30', s.cookie)).statusCode).toBe(200);
  });

  it('writes the Excel variant with a BOM, ; between columns, and local times with the offset', async () => {
    const { w, s } = await setup();
    const imported = await post(w, '/coord/import/preview', s.cookie, { _csrf: s.csrf, csv: 'case_id,name,phone\nX-1,"Dewi; Tebet",0812-3456-7890\n' });
    const sha = /name="sha" value="([0-9a-f]{64})"/.exec(imported.body)![1]!;
    expect((await post(w, '/coord/import/commit', s.cookie, { _csrf: s.csrf, csv: 'case_id,name,phone\nX-1,"Dewi; Tebet",0812-3456-7890\n', sha })).statusCode).toBe(200);
    const res = await get(w, '/coord/exports/cases.csv?format=excel', s.cookie);
    expect(res.statusCode).toBe(200);
    expect(res.body.startsWith('\uFEFFcase_id;external_id;name;phone;')).toBe(true);
    const parsed = parseCsv(res.body);
    const [header, row] = parsed.records.map((r) => r.fields);
    expect(row![header!.indexOf('name')]).toBe('Dewi; Tebet');
    expect(row![header!.indexOf('phone')]).toBe('+6281234567890');
    expect(row![header!.indexOf('confirmed_at')]).toBe('2026-11-25T15:00:00+07:00');
    const machine = await get(w, '/coord/exports/cases.csv', s.cookie);
    expect(machine.body.startsWith('case_id,external_id,')).toBe(true);
    expect(machine.body).toContain('2026-11-25T15:00:00+07:00');
  });
});

describe('the import’s problem rows', () => {
  it('downloads the rows with problems with a problem column; fixed, the same file imports', async () => {
    const { w, s } = await setup();
    const preview = await post(w, '/coord/import/preview', s.cookie, { _csrf: s.csrf, csv: CSV });
    expect(preview.body).toContain('id="problems-download"');
    const res = await post(w, '/coord/import/problems.csv', s.cookie, { _csrf: s.csrf, csv: CSV }, false);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="tracebot-import-problems-2026-11-25\.csv"/);
    expect(res.body.charCodeAt(0)).toBe(0xfeff);
    const rows = parseCsv(res.body).records.map((r) => r.fields);
    expect(rows[0]).toEqual(['case_id', 'name', 'phone', 'date_of_birth', 'masalah']);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['A-2', 'A-3']);
    // What the person typed comes back as typed, but never as a formula a spreadsheet would run.
    expect(rows[1]![1]).toBe('\'=HYPERLINK("http://evil")');
    expect(rows[1]![4]).not.toBe('');
    expect(rows[2]![4]).not.toBe('');

    // Fix the rows where the problem column says, keep the column, import the file again.
    const fixed = res.body.replace('1990-13-01', '1990-12-01').replace('Budi,123,', 'Budi,0812-3456-7892,');
    const again = await post(w, '/coord/import/preview', s.cookie, { _csrf: s.csrf, csv: fixed });
    expect(again.body).toContain('data-invalid="0"');
    const sha = /name="sha" value="([0-9a-f]{64})"/.exec(again.body)![1]!;
    const done = await post(w, '/coord/import/commit', s.cookie, { _csrf: s.csrf, csv: fixed, sha });
    expect(done.body).toContain('data-imported="2" data-skipped="0"');
    const names = w.db.$client.prepare(`SELECT external_id AS id, name FROM cases ORDER BY external_id`).all();
    expect(names).toEqual([{ id: 'A-2', name: '=HYPERLINK("http://evil")' }, { id: 'A-3', name: 'Budi' }]);
    expect((w.db.$client.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'export.import_problems'`).get() as { n: number }).n).toBe(1);
  });

  it('offers the same download after the import, from the text it imported', async () => {
    const { w, s } = await setup();
    const preview = await post(w, '/coord/import/preview', s.cookie, { _csrf: s.csrf, csv: CSV });
    const sha = /name="sha" value="([0-9a-f]{64})"/.exec(preview.body)![1]!;
    const done = await post(w, '/coord/import/commit', s.cookie, { _csrf: s.csrf, csv: CSV, sha });
    expect(done.body).toContain('id="problems-download"');
    const source = /<textarea name="source" hidden aria-hidden="true">([\s\S]*?)<\/textarea>/.exec(done.body)![1]!;
    const unescaped = source.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    expect(unescaped).toBe(CSV);
    const lines = /name="lines" value="([0-9,]*)"/.exec(done.body)![1]!;
    expect(lines).toBe('3,4');
    const res = await post(w, '/coord/import/problems.csv', s.cookie, { _csrf: s.csrf, csv: '', source: unescaped, lines }, false);
    // A-1 is imported now, so the file lists the two rows that still have problems.
    expect(parseCsv(res.body).records.slice(1).map((r) => r.fields[0])).toEqual(['A-2', 'A-3']);
  });
});
