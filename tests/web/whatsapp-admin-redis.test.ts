import { afterEach, describe, expect, inject, it } from 'vitest';
import type { WhatsAppChannelOptions } from '../../src/channels/whatsapp/index.js';
import { FakeWaNetwork } from '../support/fake-wa-socket.js';
import { startRefusingWaServer } from '../support/refusing-wa-server.js';
import { injectLogin, postForm, seedUser } from '../support/seed.js';
import { eventually, startTestSystem, uniquePrefix } from '../support/system.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

const QR_IMG = /<img class="wa-qr" src="(data:image\/png;base64,[A-Za-z0-9+/=]+)"/;

describe('the WhatsApp admin page: linking the health office phone (fake socket, full system)', () => {
  const systems: Sys[] = [];
  let net: FakeWaNetwork;

  /** A system whose fake socket waits for a link (no session yet), and an admin and a tracer signed in to it. */
  const start = async (env: Record<string, string> = {}, enabled = true, whatsapp: Partial<WhatsAppChannelOptions> = {}) => {
    net = new FakeWaNetwork(false);
    const sys = await startTestSystem(
      inject('redisUrl'),
      { ...(enabled ? { WHATSAPP_ENABLED: 'true' } : {}), ...env },
      { whatsapp: { socketFactory: net.factory, sleep: async () => {}, printQr: () => {}, lock: { ttlMs: 3_000, retryMs: 50 }, ...whatsapp } },
    );
    systems.push(sys);
    await seedUser(sys.db, { email: 'admin@dinkes.test', role: 'admin' });
    await seedUser(sys.db, { email: 'tracer@dinkes.test', role: 'tracer' });
    const admin = await injectLogin(sys.web!, 'admin@dinkes.test', 'correct horse battery');
    const tracer = await injectLogin(sys.web!, 'tracer@dinkes.test', 'correct horse battery');
    const get = (url: string, who = admin, headers: Record<string, string> = {}) => sys.web!.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html', ...headers } });
    return { sys, admin, tracer, get };
  };

  afterEach(async () => {
    for (const s of systems.splice(0).reverse()) await s.stop();
  });

  it('shows the QR code WhatsApp asks for, follows its rotation, and keeps tracers out', async () => {
    const { admin, tracer, get } = await start();
    await eventually(() => net.sockets[0], 'socket created');

    net.current.showQr('2@first-qr-payload,abc,def,ghi');
    const first = await eventually(async () => QR_IMG.exec((await get('/admin/whatsapp')).body)?.[1], 'QR on the page');
    const res = await get('/admin/whatsapp');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.body).not.toMatch(/<script>|<script [^>]*>[^<]/);
    // The status box polls itself (htmx, no inline script) so the page follows the code as WhatsApp rotates it.
    expect(res.body).toMatch(/id="wa-link"[^>]*hx-get="\/admin\/whatsapp\/status"[^>]*hx-trigger="every 3s"/);
    expect(res.body).toContain('Link with a phone number instead');

    net.current.showQr('2@second-qr-payload,abc,def,ghi');
    const second = await eventually(async () => {
      const r = await get('/admin/whatsapp/status', admin, { 'hx-request': 'true' });
      const src = QR_IMG.exec(r.body)?.[1];
      return src && src !== first ? src : undefined;
    }, 'rotated QR in the status fragment');
    expect(second).toMatch(/^data:image\/png;base64,/);

    expect((await get('/admin/whatsapp', tracer)).statusCode).toBe(403);
    expect((await get('/admin/whatsapp/status', tracer)).statusCode).toBe(403);
    const anonymous = await get('/admin/whatsapp', { cookie: '', csrf: '', status: 0 });
    expect([302, 303, 401]).toContain(anonymous.statusCode);
  });

  it('offers a pairing code for a phone number, then shows the account once linked', async () => {
    const { sys, admin, get } = await start();
    await eventually(() => net.sockets[0], 'socket created');
    net.current.showQr('2@qr,abc,def,ghi');
    await eventually(async () => ((await get('/admin/whatsapp/status')).body.includes('wa-qr') ? true : undefined), 'QR shown');

    const bad = await postForm(sys.web!, '/admin/whatsapp/pairing-code', admin.cookie, { _csrf: admin.csrf, phone: '12' });
    expect(bad.statusCode).toBe(400);
    expect(net.pairingRequests).toEqual([]);

    const ok = await postForm(sys.web!, '/admin/whatsapp/pairing-code', admin.cookie, { _csrf: admin.csrf, phone: '0811-0000-0000' });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('Pairing code: ABCD-1234');
    expect(net.pairingRequests).toEqual(['6281100000000']);
    expect((await get('/admin/whatsapp/status')).body).toContain('<strong class="wa-pairing-code">ABCD-1234</strong>');
    const audited = sys.db.$client.prepare(`SELECT action, actor_id AS actorId, details FROM audit_log WHERE action = 'whatsapp_pairing_code'`).all();
    expect(audited).toHaveLength(1);

    // Without the CSRF token the form is refused.
    const forged = await postForm(sys.web!, '/admin/whatsapp/pairing-code', admin.cookie, { phone: '0811-0000-0000' });
    expect(forged.statusCode).toBe(403);

    net.current.open('6281100000000:7@s.whatsapp.net');
    const linked = await eventually(async () => {
      const r = await get('/admin/whatsapp');
      return r.body.includes('data-status="open"') ? r.body : undefined;
    }, 'linked');
    expect(linked).toContain('Linked as <strong>+6281100000000</strong>');
    expect(linked).not.toContain('pairing-code');
    expect(linked).not.toContain('wa-qr');
  });

  it('shows the QR in a web-only process, read from what the socket holder published', async () => {
    const prefix = uniquePrefix('wa-admin');
    await start({ REDIS_PREFIX: prefix });
    await eventually(() => net.sockets[0], 'socket created');
    net.current.showQr('2@holder-qr,abc,def,ghi');

    const web = await startTestSystem(inject('redisUrl'), { REDIS_PREFIX: prefix, WHATSAPP_ENABLED: 'true', ROLES: 'web' });
    systems.push(web);
    expect(web.channels).toEqual([]);
    await seedUser(web.db, { email: 'admin@dinkes.test', role: 'admin' });
    const admin = await injectLogin(web.web!, 'admin@dinkes.test', 'correct horse battery');
    const page = await eventually(async () => {
      const r = await web.web!.inject({ method: 'GET', url: '/admin/whatsapp', headers: { cookie: admin.cookie, accept: 'text/html' } });
      return QR_IMG.test(r.body) ? r.body : undefined;
    }, 'holder QR on the web-only page');
    expect(page).toContain('data-status="qr"');
    // No socket here: asking for a pairing code says where to do it instead of failing.
    const pairing = await postForm(web.web!, '/admin/whatsapp/pairing-code', admin.cookie, { _csrf: admin.csrf, phone: '0811-0000-0000' });
    expect(pairing.statusCode).toBe(409);
    expect(pairing.body).toContain('held by another tracebot process');
  });

  it('shows that it keeps retrying when the WhatsApp server refuses the connection (HTTP 503), not "Connecting…" forever', async () => {
    const server = await startRefusingWaServer('refuse503');
    try {
      // The real baileys socket against a loopback server that answers every upgrade with 503.
      const { get } = await start({}, true, { socketFactory: undefined, waWebSocketUrl: server.url, reconnect: { initialMs: 50, maxMs: 200 } });
      const box = await eventually(async () => {
        const body = (await get('/admin/whatsapp/status')).body;
        return /class="wa-retry">Retrying: [2-9]\d* attempt\(s\) in a row failed \(the server refused the connection, HTTP 503\)/.test(body) ? body : undefined;
      }, 'retrying shown on the status box');
      expect(box).toMatch(/Next attempt at/);
      expect(server.attempts.length).toBeGreaterThanOrEqual(2);
    } finally {
      for (const s of systems.splice(0).reverse()) await s.stop();
      await server.close();
    }
  });

  it('says WhatsApp is not enabled when it is off', async () => {
    const { get, tracer } = await start({}, false);
    const res = await get('/admin/whatsapp');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('WhatsApp is not enabled');
    expect(res.body).not.toContain('wa-link');
    expect(net.sockets).toEqual([]);
    expect((await get('/admin/whatsapp', tracer)).statusCode).toBe(403);
  });
});
