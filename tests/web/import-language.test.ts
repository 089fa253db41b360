import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestWeb, injectLogin, postForm, seedUser, type TestWeb } from '../support/seed.js';

let web: TestWeb;
beforeAll(async () => {
  web = await buildTestWeb();
});
afterAll(async () => {
  await web.app.close();
});

const cells = (body: string, selector: RegExp) => [...body.matchAll(selector)].map((m) => m[1]);

describe('import problems in the coordinator’s language', () => {
  it('says what is wrong with each row in Indonesian, quoting the cell, with no field names of the code', async () => {
    const dewi = await seedUser(web.db, { email: 'dewi-imp@example.org', role: 'coordinator', language: 'id' });
    const s = await injectLogin(web.app, dewi.email, dewi.password);
    const csv = ['case_id,name,phone,test_date,language', 'A-1,Budi,08123,2026-01-01,id', 'A-1,Siti,,31/02/2026,jawa', ',Tono,,,'].join('\n');
    const res = await postForm(web.app, '/coord/import/preview', s.cookie, { _csrf: s.csrf, csv });
    expect(res.statusCode).toBe(200);
    const problems = cells(res.body, /<td>([^<]*)<\/td><td>[^<]*<\/td><\/tr>/g);
    expect(problems).toEqual(
      expect.arrayContaining([
        "&#39;08123&#39; bukan nomor HP yang valid",
        'Tanggal tes &#39;31/02/2026&#39; bukan tanggal (tulis 2026-11-25 atau 25/11/2026)',
        "bahasa &#39;jawa&#39; bukan id (Bahasa Indonesia) atau en (Inggris)",
        'nomor kasus A-1 juga ada di baris 2',
        'Id kasus kosong',
      ]),
    );
    expect(res.body.replace(/<[^>]+>/g, '')).not.toMatch(/externalId|is not a valid|is missing/);
  });

  it('names a missing column in Indonesian with the headers that would do', async () => {
    const dewi = await seedUser(web.db, { email: 'dewi-imp2@example.org', role: 'coordinator', language: 'id' });
    const s = await injectLogin(web.app, dewi.email, dewi.password);
    const res = await postForm(web.app, '/coord/import/preview', s.cookie, { _csrf: s.csrf, csv: 'nama,phone\nBudi,081234567890' });
    expect(res.body).toContain('data-code="no_column"');
    expect(res.body).toContain('tidak ada kolom Id kasus; beri salah satu nama kolom ini: external_id, case_id');
    expect(res.body).not.toContain('no column for externalId');
  });
});
