import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { InboundContent } from '../../domain/channel.js';
import type { FakeDelivery, FakePlatform } from '../../channels/fake/index.js';
import { parseAnswer } from '../../flow/answers/index.js';
import type { WebContext } from '../context.js';
import { html, type Html } from '../html.js';
import { chatMarkup } from '../chat-markup.js';
import { t, type UiLang } from '../i18n.js';
import { errorPage, formatTime, page, sendHtml } from '../layout.js';
import { phonePlayRoutes, playPanel } from './phone-play.js';

/**
 * A chat on the fake channel: a made-up patient id ("demo"), or a phone number in E.164, the chat id the fake channel gives
 * a number we write to first (outreach to a case or a contact), so this page can play any of them. An unencoded `+` in a
 * query string or form arrives as a space and is read back as the `+` it was.
 */
const PatientId = z.preprocess(
  (v) => (typeof v === 'string' && /^ \d{7,15}$/.test(v) ? `+${v.slice(1)}` : v),
  z.string().regex(/^(\+[1-9]\d{6,14}|[A-Za-z0-9_-]{1,64})$/),
);
const UserQuery = z.object({ user: PatientId.default('demo') });
const SendBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), user: PatientId, text: z.string().min(1).max(4096) }),
  z.object({ kind: z.literal('start'), user: PatientId, code: z.string().max(64).optional() }),
  z.object({ kind: z.literal('choice'), user: PatientId, value: z.string().min(1).max(200), label: z.string().max(500).optional() }),
]);

interface PhoneLine {
  seq: number;
  from: 'patient' | 'bot';
  text: string;
  choices: { value: string; label: string }[];
  at: number;
}

const KEEP = 300;

/** What each patient typed, remembered from the platform's events (the platform keeps only what the bot delivered). */
class PatientLog {
  private readonly lines = new Map<string, PhoneLine[]>();
  record(userId: string, id: string, content: InboundContent, at: number): void {
    const list = this.lines.get(userId) ?? [];
    list.push({ seq: seqOf(id), from: 'patient', text: describe(content), choices: [], at });
    if (list.length > KEEP) list.splice(0, list.length - KEEP);
    this.lines.set(userId, list);
  }
  of(userId: string): PhoneLine[] {
    return this.lines.get(userId) ?? [];
  }
}

function seqOf(id: string): number {
  const n = Number(id.replace(/^\D+/, ''));
  return Number.isFinite(n) ? n : 0;
}

function describe(c: InboundContent): string {
  switch (c.kind) {
    case 'text':
      return c.text;
    case 'start':
      return c.code ? `/start ${c.code}` : '/start';
    case 'choice':
      return c.label ?? c.value;
    case 'contacts':
      return c.contacts.map((x) => `${x.name} ${x.phone}`).join('\n');
    case 'media':
      return `[${c.media}]${c.caption ? ` ${c.caption}` : ''}`;
    case 'location':
      return `📍 ${c.latitude}, ${c.longitude}`;
    case 'edited':
      return c.text;
  }
}

function thread(platform: FakePlatform, log: PatientLog, userId: string): PhoneLine[] {
  const bot = platform.inbox(userId).map((d: FakeDelivery) => ({ seq: seqOf(d.id), from: 'bot' as const, text: d.text, choices: d.choices, at: d.at }));
  return [...log.of(userId), ...bot].sort((a, b) => a.seq - b.seq);
}

function messagesPart(req: FastifyRequest, ctx: WebContext, platform: FakePlatform, log: PatientLog, userId: string): Html {
  const lines = thread(platform, log, userId);
  const lastBot = [...lines].reverse().find((l) => l.from === 'bot');
  return html`${lines.map(
    (l) => html`<div class="bubble ${l.from}" data-seq="${l.seq}"><div class="text">${chatMarkup(l.text)}</div><time>${formatTime(req.lang, l.at, ctx.config.TIMEZONE)}</time></div>`,
  )}${
    lastBot?.choices.length
      ? html`<div class="phone-choices">${lastBot.choices.map(
          (c) => html`<form method="post" action="/phone/send" class="inline" data-phone-form><input type="hidden" name="user" value="${userId}"><input type="hidden" name="kind" value="choice"><input type="hidden" name="value" value="${c.value}"><input type="hidden" name="label" value="${c.label}"><button type="submit" class="choice">${c.label}</button></form>`,
        )}</div>`
      : ''
  }`;
}

/** A number typed the local way ("081234567890") is the chat of its E.164 form; any other id is itself. */
function localNumberAsE164(user: string, country: string): string {
  if (!/^0\d{8,14}$/.test(user)) return user;
  const r = parseAnswer({ type: 'phone' }, user, { today: '2000-01-01', lang: 'id', answers: {}, defaultCountry: country });
  return r.ok && typeof r.value === 'string' ? r.value : user;
}

/** Links to the other chats the fake platform knows (contacts the bot wrote to first show up here by their phone). */
function chatsPart(lang: UiLang, platform: FakePlatform, current: string): Html {
  const others = platform.chats().filter((c) => c !== current).slice(-20);
  if (others.length === 0) return html``;
  return html`<nav class="phone-chats small">${t(lang, 'phone_other_chats')} ${others.map((c) => html`<a href="/phone?user=${encodeURIComponent(c)}">${c}</a> `)}</nav>`;
}

/** The patient-phone page for the fake channel: no login (it plays a patient); on only when the config says so. */
export function phoneRoutes(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    const platform = ctx.config.patientPhonePage ? ctx.fakePlatform : undefined;
    if (!platform) {
      app.get('/phone', async (req, reply) => errorPage(reply, req, 404, t(req.lang, 'phone_off')));
      return;
    }
    phonePlayRoutes(app, ctx, platform);
    const log = new PatientLog();
    const chatIdOf = (user: string) => localNumberAsE164(user, ctx.config.DEFAULT_COUNTRY);
    type Listener = (userId: string) => void;
    const listeners = new Set<Listener>();
    const onPatient = (m: { userId: string; id: string; content: InboundContent; at: number }) => {
      log.record(m.userId, m.id, m.content, m.at);
      for (const l of listeners) l(m.userId);
    };
    const onBot = (m: { userId: string }) => {
      for (const l of listeners) l(m.userId);
    };
    platform.on('patient-message', onPatient);
    platform.on('bot-message', onBot);
    app.addHook('onClose', async () => {
      platform.off('patient-message', onPatient);
      platform.off('bot-message', onBot);
    });

    app.get('/phone', async (req, reply) => {
      const q = UserQuery.safeParse(req.query);
      const userId = q.success ? chatIdOf(q.data.user) : 'demo';
      const lang = req.lang;
      const body = html`<div class="phone" data-phone-user="${userId}" data-stream="/phone/events?user=${encodeURIComponent(userId)}">
  <div class="phone-top">
    <form method="get" action="/phone" class="inline"><label>${t(lang, 'patient_id')} <input name="user" value="${userId}" size="14" pattern="\\+[1-9][0-9]{6,14}|[A-Za-z0-9_\\-]{1,64}"></label><button type="submit">${t(lang, 'open')}</button></form>
  </div>
  ${chatsPart(lang, platform, userId)}
  <div class="phone-screen" id="phone-messages" data-live="phone" hx-get="/phone/messages?user=${encodeURIComponent(userId)}" hx-trigger="live-refresh" hx-swap="innerHTML">${messagesPart(req, ctx, platform, log, userId)}</div>
  <form method="post" action="/phone/send" class="phone-send" data-phone-form><input type="hidden" name="user" value="${userId}"><input type="hidden" name="kind" value="text">
    <input name="text" id="phone-text" autocomplete="off" placeholder="${t(lang, 'type_message')}" aria-label="${t(lang, 'type_message')}" required><button type="submit" class="primary">${t(lang, 'send')}</button></form>
  <form method="post" action="/phone/send" class="phone-start" data-phone-form><input type="hidden" name="user" value="${userId}"><input type="hidden" name="kind" value="start">
    <input name="code" placeholder="${t(lang, 'start_code')}" aria-label="${t(lang, 'start_code')}" size="12"><button type="submit">${t(lang, 'start')}</button></form>
</div>
<p class="muted small center">${t(lang, 'phone_intro')}</p>${playPanel(req)}`;
      return sendHtml(reply, 200, page(req, { title: t(lang, 'phone_title'), body, bodyClass: 'phone-page', scripts: ['phone.js'] }));
    });

    app.get('/phone/messages', async (req, reply) => {
      const q = UserQuery.safeParse(req.query);
      if (!q.success) return errorPage(reply, req, 400, t(req.lang, 'invalid'));
      return sendHtml(reply, 200, messagesPart(req, ctx, platform, log, chatIdOf(q.data.user)));
    });

    app.post('/phone/send', { config: { csrf: false } }, async (req, reply) => {
      const body = SendBody.safeParse(req.body);
      if (!body.success) return errorPage(reply, req, 400, t(req.lang, 'invalid'));
      const b = body.data;
      const content: InboundContent =
        b.kind === 'text' ? { kind: 'text', text: b.text } : b.kind === 'start' ? { kind: 'start', ...(b.code ? { code: b.code } : {}) } : { kind: 'choice', value: b.value, ...(b.label ? { label: b.label } : {}) };
      const user = chatIdOf(b.user);
      platform.patientSends(user, content, ctx.clock());
      if (req.headers['x-requested-with'] === 'fetch') return reply.code(204).send();
      return reply.redirect(`/phone?user=${encodeURIComponent(user)}`, 303);
    });

    app.get('/phone/events', async (req, reply) => {
      const q = UserQuery.safeParse(req.query);
      if (!q.success) return errorPage(reply, req, 400, t(req.lang, 'invalid'));
      const userId = chatIdOf(q.data.user);
      const listener: Listener = (u) => {
        if (u === userId) conn?.send('phone', { userId });
      };
      const conn = ctx.streams.start(req, reply, { heartbeatMs: ctx.heartbeatMs, retryMs: ctx.reconnectMs, onClose: () => listeners.delete(listener) });
      if (conn) listeners.add(listener);
      return reply;
    });
  };
}
