import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { API_NOW, buildApiWeb, postJson, rows } from './support.js';

let web: Awaited<ReturnType<typeof buildApiWeb>> | undefined;
afterEach(async () => {
  await web?.app.close();
  web = undefined;
});

const setup = async () => (web = await buildApiWeb());
const aCase = (n: number, extra: Record<string, unknown> = {}) => ({ externalId: `LAB-${n}`, name: `Pasien ${n}`, ...extra });

describe('the case API refuses bad batches as a whole', () => {
  it('a batch of 1,001 cases is a 400 and creates nothing (it is never read as one record)', async () => {
    const w = await setup();
    const res = await postJson(w.app, w.token, '/api/v1/cases', { cases: Array.from({ length: 1001 }, (_, i) => aCase(i)) });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'http:invalid', problems: [{ field: 'cases', message: expect.stringContaining('at most 1000') }] });
    expect(rows(w, 'cases')).toBe(0);
  });

  it('a batch of exactly 1,000 is accepted', async () => {
    const w = await setup();
    const res = await postJson(w.app, w.token, '/api/v1/cases', { cases: Array.from({ length: 1000 }, (_, i) => aCase(i)) });
    expect(res.statusCode).toBe(201);
    expect(rows(w, 'cases')).toBe(1000);
  });

  it.each([
    ['an empty batch', { cases: [] }, 'cases'],
    ['a batch that is not a list', { cases: 'LAB-1' }, 'cases'],
    ['a batch with another field', { cases: [aCase(1)], dryRun: true }, 'dryRun'],
    ['an unknown field on a case', { cases: [aCase(1, { nik: '3201' })] }, '(record)'],
    ['an unknown field on a single case', aCase(1, { isAdmin: true }), '(record)'],
    ['a number where a name belongs (not coerced)', aCase(1, { name: 12345 }), 'name'],
    ['a list as the body', [aCase(1)], '(body)'],
  ])('%s is a 400', async (_what, body, field) => {
    const w = await setup();
    const res = await postJson(w.app, w.token, '/api/v1/cases', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().problems[0].field).toBe(field);
    expect(rows(w, 'cases')).toBe(0);
  });
});

describe('dates of a case must exist and be plausible', () => {
  it.each([
    ['dateOfBirth', '1800-02-30', 'not a real date'],
    ['dateOfBirth', '2021-02-29', 'not a real date'],
    ['dateOfBirth', '1899-12-31', 'before 1900'],
    ['dateOfBirth', '2026-11-26', 'in the future'],
    ['testDate', '2018-12-31', 'before 2019'],
    ['testDate', '2026-11-26', 'in the future'],
    ['testDate', '2023-13-01', 'not a real date'],
    ['confirmedAt', '2026-11-25T08:06:00Z', 'in the future'],
    ['confirmedAt', '2018-06-01T00:00:00Z', 'before 2019'],
    ['confirmedAt', '2021-02-29T10:00:00Z', 'not a real date'],
  ])('%s %s is a 400 (%s)', async (field, value, message) => {
    const w = await setup();
    const res = await postJson(w.app, w.token, '/api/v1/cases', aCase(1, { [field]: value }));
    expect(res.statusCode).toBe(400);
    const problems = res.json().problems as { field: string; message: string }[];
    expect(problems.every((p) => p.field === field)).toBe(true);
    expect(problems.map((p) => p.message)).toContainEqual(expect.stringContaining(message));
    expect(rows(w, 'cases')).toBe(0);
  });

  it('accepts a leap day that exists, a birth in 1900, and a confirmation a few minutes ahead of our clock', async () => {
    const w = await setup();
    const ahead = new Date(API_NOW + 4 * 60_000).toISOString();
    const res = await postJson(w.app, w.token, '/api/v1/cases', { cases: [aCase(1, { dateOfBirth: '2024-02-29' }), aCase(2, { dateOfBirth: '1900-01-01', testDate: '2019-01-01', confirmedAt: ahead })] });
    expect(res.statusCode).toBe(201);
    expect(rows(w, 'cases')).toBe(2);
  });
});

describe('names must be readable text', () => {
  it.each([
    ['a NUL', 'Dewi\u0000Lestari'],
    ['a lone surrogate', 'Dewi \ud800'],
    ['only spaces', '   '],
    ['only zero-width characters', '\u200b\u200c\u200d\ufeff'],
    ['only a Hangul filler', '\u3164'],
    ['a line break', 'Dewi\nLestari'],
  ])('a name with %s is a 400', async (_what, name) => {
    const w = await setup();
    const res = await postJson(w.app, w.token, '/api/v1/cases', aCase(1, { name }));
    expect(res.statusCode).toBe(400);
    expect(res.json().problems[0].field).toBe('name');
    expect(rows(w, 'cases')).toBe(0);
  });

  it('accepts names in any script, with accents and joiners inside visible text', async () => {
    const w = await setup();
    const names = ['Nguyễn Thị Ánh', 'محمد', '李小龙', 'Ni Luh Putu Ayu', 'क्षत्रिय'];
    const res = await postJson(w.app, w.token, '/api/v1/cases', { cases: names.map((name, i) => aCase(i, { name })) });
    expect(res.statusCode).toBe(201);
  });
});

describe('a body that is too large', () => {
  it('gets a 413 with a JSON error body over a real socket, not a reset connection', async () => {
    const w = await setup();
    await w.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = w.app.server.address() as AddressInfo;
    const body = Buffer.alloc(5 * 1024 * 1024, 'a');
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/cases', headers: { authorization: `Bearer ${w.token}`, 'content-type': 'application/json', 'content-length': body.length } });
    req.end(body);
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    let text = '';
    for await (const chunk of res) text += String(chunk);
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(text)).toMatchObject({ error: 'http:payload_too_large' });
    expect(rows(w, 'cases')).toBe(0);
  });
});
