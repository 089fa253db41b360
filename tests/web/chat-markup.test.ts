import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatMarkup } from '../../src/web/chat-markup.js';
import { escapeHtml } from '../../src/web/html.js';
import { buildTestWeb, type TestWeb } from '../support/seed.js';

describe('WhatsApp/Telegram markup in chat bubbles', () => {
  it('shows *bold*, _italic_ and ~strike~ as such', () => {
    expect(chatMarkup('Ketik *petugas* untuk bicara dengan _orang_, bukan ~bot~.').value).toBe('Ketik <strong>petugas</strong> untuk bicara dengan <em>orang</em>, bukan <s>bot</s>.');
    expect(chatMarkup('If you don\'t know, type *don\'t know*.').value).toBe('If you don&#39;t know, type <strong>don&#39;t know</strong>.');
  });

  it('leaves arithmetic, snake_case words, lone markers and markers across lines alone', () => {
    for (const s of ['2*3*4', 'has_symptoms_today', 'a * b * c', '*', '__', '* not bold*', '*one\ntwo*']) expect(chatMarkup(s).value).toBe(escapeHtml(s));
  });

  it('escapes first, so no text can become a tag or an attribute (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const out = chatMarkup(s).value;
        const tagsLeft = out.replace(/<\/?(strong|em|s)>/g, '');
        expect(tagsLeft).not.toMatch(/[<>"]/);
        // Only markers are ever removed: the letters and digits typed all remain, in order.
        expect(tagsLeft.replace(/&#?\w+;/g, '').replace(/[^\p{L}\p{N}]/gu, '')).toBe(escapeHtml(s).replace(/&#?\w+;/g, '').replace(/[^\p{L}\p{N}]/gu, ''));
      }),
    );
    expect(chatMarkup('*<img src=x onerror=alert(1)>*').value).toBe('<strong>&lt;img src=x onerror=alert(1)&gt;</strong>');
  });
});

describe('the favicon', () => {
  let web: TestWeb;
  beforeAll(async () => {
    web = await buildTestWeb();
  });
  afterAll(async () => {
    await web.app.close();
  });

  it('is served without login and linked from every page', async () => {
    const ico = await web.app.inject({ method: 'GET', url: '/favicon.ico' });
    expect(ico.statusCode).toBe(301);
    expect(ico.headers.location).toBe('/assets/favicon.svg');
    const svg = await web.app.inject({ method: 'GET', url: '/assets/favicon.svg' });
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    expect(svg.body).toContain('<svg');
    const login = await web.app.inject({ method: 'GET', url: '/login' });
    expect(login.body).toContain('<link rel="icon" href="/assets/favicon.svg"');
  });
});
