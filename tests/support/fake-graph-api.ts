import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inboundMessage, mediaExtra, postWebhook, sign, statusUpdate, type Delivery, type Json } from './graph-webhooks.js';

/*
 * A fake WhatsApp Cloud API (Graph API) on 127.0.0.1, written from Meta's public reference: `POST /<version>/<phone-number-id>/messages`
 * with a bearer token, text / interactive (button, list) / template bodies checked against the platform limits, Graph error
 * envelopes with Meta's codes, the 24-hour window, and approved templates. It plays the patients too: their messages and the
 * delivery receipts are POSTed as webhooks signed with the app secret to `webhookUrl`.
 */

export interface FakeSent {
  wamid: string;
  to: string;
  type: 'text' | 'interactive' | 'template';
  text: string;
  /** Button or row titles offered (empty when none). */
  choices: string[];
  choiceIds: string[];
  interactive?: 'button' | 'list';
  template?: { name: string; language: string; params: string[]; payloads: string[] };
}

export interface ApprovedTemplate {
  name: string;
  language: string;
  /** Number of {{n}} placeholders in the body. */
  params: number;
  /** Labels of its quick-reply buttons. */
  buttons: string[];
}

interface Scripted {
  code: number;
  httpStatus: number;
  title: string;
  async: boolean;
  /** Sends to let through before this failure. */
  skip: number;
}

export interface FakeGraphOptions {
  token?: string;
  phoneNumberId?: string;
  appSecret?: string;
  /** How a free-form send outside the window fails: at once (400, 131047) or later as a failed status (Meta's usual way). */
  windowFailure?: 'sync' | 'async';
  /** Post `sent` and `delivered` receipts after each accepted send. Default true. */
  receipts?: boolean;
  now?: () => number;
}

const DAY = 24 * 3600_000;

export class FakeGraphApi {
  readonly token: string;
  readonly phoneNumberId: string;
  readonly appSecret: string;
  /** Where patient messages and receipts are POSTed. */
  webhookUrl = '';
  readonly sent: FakeSent[] = [];
  /** Numbers that are not on WhatsApp: sends fail with 131026. */
  readonly unreachable = new Set<string>();
  /** What our endpoint answered, in order. */
  readonly deliveries: Delivery[] = [];
  readonly templates: ApprovedTemplate[] = [{ name: 'tracebot_checkin', language: 'id', params: 1, buttons: ['Lanjut'] }];
  requests = 0;
  private tokenValid = true;
  private readonly windows = new Map<string, number>();
  private readonly lastBody = new Map<string, string>();
  private readonly scripted: Scripted[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private seq = 0;
  private readonly now: () => number;

  private constructor(
    private readonly server: Server,
    readonly apiRoot: string,
    private readonly o: FakeGraphOptions,
  ) {
    this.token = o.token ?? 'EAAGtest0fake0graph0api0token';
    this.phoneNumberId = o.phoneNumberId ?? '106540352242922';
    this.appSecret = o.appSecret ?? 'app-secret-for-tests';
    this.now = o.now ?? Date.now;
  }

  /** Listen on a free loopback port. */
  static async start(o: FakeGraphOptions = {}): Promise<FakeGraphApi> {
    let api: FakeGraphApi | undefined;
    const server = createServer((req, res) => void api!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    api = new FakeGraphApi(server, `http://127.0.0.1:${port}/v25.0`, o);
    return api;
  }

  // ---- scripting ----

  /** Meta revokes the token: every send answers 401 with code 190 until `restoreToken`. */
  revokeToken(): void {
    this.tokenValid = false;
  }
  restoreToken(): void {
    this.tokenValid = true;
  }
  /** The next send fails with `code` (at once, or accepted and then failed by a status webhook). */
  failNext(code: number, o: { httpStatus?: number; title?: string; async?: boolean; skip?: number } = {}): void {
    this.scripted.push({ code, httpStatus: o.httpStatus ?? 400, title: o.title ?? `(#${code}) scripted failure`, async: o.async ?? false, skip: o.skip ?? 0 });
  }
  /** The person wrote at `at` (opens the 24-hour window without a webhook). */
  openWindow(waId: string, at = this.now()): void {
    this.windows.set(waId, at);
  }
  sentTo(waId: string): FakeSent[] {
    return this.sent.filter((s) => s.to === waId);
  }

  // ---- the patient's phone ----

  /** Like Meta's: the base64 of a small header, the person's number and a random part, so a leak of an id in logs shows. */
  private nextId(waId = '0'): string {
    const raw = Buffer.concat([Buffer.from([0x1c, 0x18, waId.length]), Buffer.from(waId), Buffer.from(`\x15\x02\x00\x12\x18${String(++this.seq).padStart(8, '0')}`)]);
    return `wamid.${raw.toString('base64')}`;
  }

  /** POST a real-shaped inbound message of `type` from `waId`; resolves with our endpoint's answer. */
  async patientSends(waId: string, type: string, extra: Json, name?: string): Promise<Delivery> {
    const at = this.now();
    this.windows.set(waId, at);
    const body = JSON.stringify(inboundMessage(this.phoneNumberId, { waId, id: this.nextId(waId), seconds: Math.floor(at / 1000), type, extra, ...(name ? { name } : {}) }));
    this.lastBody.set(waId, body);
    return this.post(body);
  }
  sendText(waId: string, text: string): Promise<Delivery> {
    return this.patientSends(waId, 'text', { text: { body: text } });
  }
  sendMedia(waId: string, kind: Parameters<typeof mediaExtra>[0]): Promise<Delivery> {
    const m = mediaExtra(kind, this.seq);
    return this.patientSends(waId, m.type, m.extra);
  }
  sendContacts(waId: string, cards: { name: string; phone: string; waId?: string }[]): Promise<Delivery> {
    const contacts = cards.map((c) => ({
      name: { formatted_name: c.name, first_name: c.name.split(' ')[0] },
      phones: [{ phone: c.phone, type: 'CELL', ...(c.waId ? { wa_id: c.waId } : {}) }],
    }));
    return this.patientSends(waId, 'contacts', { contacts });
  }
  sendLocation(waId: string, latitude: number, longitude: number): Promise<Delivery> {
    return this.patientSends(waId, 'location', { location: { latitude, longitude, name: 'Puskesmas', address: 'Jl. Sehat 1' } });
  }
  /** Tap the option labelled `label` on the last message that offered it: a button or list reply, or its number typed. */
  async pressChoice(waId: string, label: string): Promise<Delivery> {
    const offer = [...this.sentTo(waId)].reverse().find((s) => s.choices.includes(label));
    if (!offer) throw new Error(`no option "${label}" was offered to ${waId}`);
    const i = offer.choices.indexOf(label);
    const context = { context: { from: '15550783881', id: offer.wamid } };
    if (offer.type === 'template') {
      return this.patientSends(waId, 'button', { ...context, button: { payload: offer.template!.payloads[i] ?? label, text: label } });
    }
    if (offer.interactive === 'button') {
      return this.patientSends(waId, 'interactive', { ...context, interactive: { type: 'button_reply', button_reply: { id: offer.choiceIds[i], title: label } } });
    }
    if (offer.interactive === 'list') {
      return this.patientSends(waId, 'interactive', { ...context, interactive: { type: 'list_reply', list_reply: { id: offer.choiceIds[i], title: label } } });
    }
    return this.sendText(waId, String(i + 1));
  }
  /** Meta delivers the same webhook body again (it retries until it gets a 200). */
  async redeliverLast(waId: string): Promise<Delivery> {
    const body = this.lastBody.get(waId);
    if (!body) throw new Error(`nothing to redeliver for ${waId}`);
    return this.post(body);
  }
  /** POST a receipt for one of our sends. */
  postStatus(wamid: string, status: 'sent' | 'delivered' | 'read' | 'failed', error?: { code: number; title: string }): Promise<Delivery> {
    const to = this.sent.find((s) => s.wamid === wamid)?.to ?? '0';
    return this.post(JSON.stringify(statusUpdate(this.phoneNumberId, { wamid, waId: to, status, seconds: Math.floor(this.now() / 1000), ...(error ? { error } : {}) })));
  }
  /** POST any body, signed with the app secret unless `headers` say otherwise. */
  async post(body: string, headers?: Record<string, string>): Promise<Delivery> {
    const d = await postWebhook(this.webhookUrl, body, headers ?? { 'x-hub-signature-256': sign(body, this.appSecret) });
    this.deliveries.push(d);
    return d;
  }
  /** Wait for receipts still being posted. */
  async settle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }
  async close(): Promise<void> {
    await this.settle();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- the Graph API ----

  private later(run: () => Promise<unknown>): void {
    const p = new Promise((r) => setTimeout(r, 5)).then(run).catch(() => undefined);
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const fail = (httpStatus: number, code: number, message: string, type = 'OAuthException'): void => {
      res.writeHead(httpStatus, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message, type, code, fbtrace_id: `Atrace${this.seq}` } }));
    };
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method !== 'POST' || !new RegExp(`^/v\\d+\\.\\d/${this.phoneNumberId}/messages$`).test(path)) return fail(400, 100, 'Unsupported post request.', 'GraphMethodException');
    if (!this.tokenValid || req.headers.authorization !== `Bearer ${this.token}`) return fail(401, 190, 'Error validating access token: Session has expired.');
    let body: Json;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json;
    } catch {
      return fail(400, 100, '(#100) Invalid JSON');
    }
    const to = String(body.to ?? '');
    if (body.messaging_product !== 'whatsapp' || !/^\d{7,15}$/.test(to)) return fail(400, 100, '(#100) Invalid parameter');
    const record = this.parseSend(body, to);
    if (typeof record === 'string') return fail(400, 100, `(#100) Invalid parameter: ${record}`);
    const head = this.scripted[0];
    const scripted = head && head.skip-- <= 0 ? this.scripted.shift() : undefined;
    if (scripted && !scripted.async) return fail(scripted.httpStatus, scripted.code, scripted.title);
    if (this.unreachable.has(to)) return fail(400, 131026, '(#131026) Message undeliverable');
    const last = this.windows.get(to);
    const outside = record.type !== 'template' && (last === undefined || this.now() - last >= DAY);
    if (outside && this.o.windowFailure === 'sync') return fail(400, 131047, '(#131047) Re-engagement message');
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: record.wamid, message_status: 'accepted' }] }),
    );
    const failure = scripted ?? (outside ? { code: 131047, title: 'Re-engagement message' } : undefined);
    if (failure) {
      // Accepted, then failed: the phone never shows it, a failed receipt follows.
      this.failedIds.set(record.wamid, to);
      this.later(() => this.post(JSON.stringify(statusUpdate(this.phoneNumberId, { wamid: record.wamid, waId: to, status: 'failed', seconds: Math.floor(this.now() / 1000), error: failure }))));
      return;
    }
    this.sent.push(record);
    if (this.o.receipts !== false) this.later(async () => (await this.postStatus(record.wamid, 'sent'), await this.postStatus(record.wamid, 'delivered')));
  }

  /** wamids accepted and then failed (not shown on the phone). */
  readonly failedIds = new Map<string, string>();

  /** Check one send body against the reference's limits; a string names what is wrong. */
  private parseSend(b: Json, to: string): FakeSent | string {
    const wamid = this.nextId(to);
    if (b.type === 'text') {
      const text = String((b.text as Json | undefined)?.body ?? '');
      if (!text || text.length > 4096) return 'text.body';
      // A numbered list at the end ("1. …\n2. …" then an italic hint) is what a person answers by typing the number.
      const listed = /\n\n((?:\d+\. .*(?:\n|$))+)\n_[^\n]*_$/.exec(text);
      const choices = listed ? listed[1]!.trim().split('\n').map((l) => l.replace(/^\d+\. /, '')) : [];
      return { wamid, to, type: 'text', text, choices, choiceIds: [] };
    }
    if (b.type === 'interactive') {
      const i = (b.interactive ?? {}) as Json;
      const text = String((i.body as Json | undefined)?.text ?? '');
      if (!text || text.length > 1024) return 'interactive.body.text';
      const action = (i.action ?? {}) as Json;
      if (i.type === 'button') {
        const buttons = ((action.buttons ?? []) as { reply: { id: string; title: string } }[]).map((x) => x.reply);
        if (buttons.length < 1 || buttons.length > 3 || buttons.some((x) => !x.title || [...x.title].length > 20 || !x.id || x.id.length > 256)) return 'action.buttons';
        return { wamid, to, type: 'interactive', interactive: 'button', text, choices: buttons.map((x) => x.title), choiceIds: buttons.map((x) => x.id) };
      }
      if (i.type === 'list') {
        const rows = ((action.sections ?? []) as { rows: { id: string; title: string }[] }[]).flatMap((s) => s.rows);
        if (!action.button || String(action.button).length > 20) return 'action.button';
        if (rows.length < 1 || rows.length > 10 || rows.some((r) => !r.title || [...r.title].length > 24 || !r.id || r.id.length > 200)) return 'action.sections';
        return { wamid, to, type: 'interactive', interactive: 'list', text, choices: rows.map((r) => r.title), choiceIds: rows.map((r) => r.id) };
      }
      return 'interactive.type';
    }
    if (b.type === 'template') {
      const t = (b.template ?? {}) as { name?: string; language?: { code?: string }; components?: { type: string; parameters?: { text?: string; payload?: string }[] }[] };
      const approved = this.templates.find((x) => x.name === t.name && x.language === t.language?.code);
      if (!approved) return 'template name/language not approved';
      const params = (t.components ?? []).filter((c) => c.type === 'body').flatMap((c) => c.parameters ?? []).map((p) => p.text ?? '');
      if (params.length !== approved.params) return 'template params';
      const payloads = (t.components ?? []).filter((c) => c.type === 'button').flatMap((c) => c.parameters ?? []).map((p) => p.payload ?? '');
      return { wamid, to, type: 'template', text: `[template ${approved.name}] ${params.join(' | ')}`, choices: approved.buttons, choiceIds: payloads, template: { name: approved.name, language: approved.language, params, payloads } };
    }
    return 'type';
  }
}
