import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { WhatsAppUnavailableError, type LinkState, type LinkStatus} from '../../channels/whatsapp/index.js';
import { createRepositories, type Db } from '../../db/index.js';
import { audit } from '../../services/audit.js';
import { html, type Html } from '../html.js';
import { t, type MsgKey, type UiLang } from '../i18n.js';
import { csrfField, formatTime, page, sendHtml } from '../layout.js';

/** What the WhatsApp admin page needs; the system wires it to the channel of this process or to the holder's published state. */
export interface WhatsAppAdminDeps {
  db: Db;
  clock: () => number;
  timezone: string;
  /** Numbers typed without a country code are read in this country (ISO 3166 alpha-2). */
  defaultCountry: string;
  /** WHATSAPP_ENABLED: when false the page only says how to turn it on. */
  enabled: boolean;
  /** The current link state: this process's channel, or what the socket holder last published in Redis. */
  linkState: () => Promise<LinkState | undefined>;
  /** Ask WhatsApp for a pairing code; absent when this process runs no WhatsApp channel (web role only). */
  requestPairingCode?: (phoneE164: string) => Promise<string>;
  /** How often the status box refreshes, so a rotated QR code (about every 20 s) shows up. Default 3 s. */
  pollSeconds?: number;
  /** Set when the WhatsApp Business Platform (Cloud API) channel runs: the page shows its health, not the link. */
  cloud?: () => { state: 'ok' | 'degraded'; since?: number; code?: number };
}

const PairingBody = z.object({ phone: z.string().trim().min(4).max(32) });

/** A text of this page: a catalogue key without its `wa_` prefix. */
type Word = MsgKey extends infer K ? (K extends `wa_${infer W}` ? W : never) : never;

const STATUS_WORD: Record<LinkStatus, Word> = {
  disconnected: 'status_disconnected',
  connecting: 'status_connecting',
  qr: 'status_qr',
  pairing: 'status_pairing',
  open: 'status_open',
  logged_out: 'status_logged_out',
};

function w(lang: UiLang, key: Word, vars: Record<string, string> = {}): string {
  return t(lang, `wa_${key}`, vars);
}

/** `ABCD1234` → `ABCD-1234`, as WhatsApp shows it on the phone. */
function formatCode(code: string): string {
  return code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}

/** The linked account's number from its JID (`6281…:12@s.whatsapp.net` → `+6281…`). */
function accountNumber(jid: string | undefined): string {
  const user = jid?.split('@')[0]?.split(':')[0];
  return user && /^\d+$/.test(user) ? `+${user}` : (jid ?? '');
}

/**
 * The WhatsApp admin page (`/admin/whatsapp`, admins only): link status, the QR code as WhatsApp rotates it (the status box
 * polls with htmx; no inline script, CSP stays strict), and a pairing-code form for linking without a camera.
 */
export function whatsappAdminRoutes(deps: WhatsAppAdminDeps) {
  const poll = deps.pollSeconds ?? 3;

  function statusBox(lang: UiLang, link: LinkState | undefined): Html {
    const status = link?.status;
    const label = w(lang, status ? STATUS_WORD[status] : 'status_unknown');
    let detail: Html | string = '';
    if (status === 'qr' && link?.qrDataUrl) {
      detail = html`<p>${w(lang, 'scan')}</p><p><img class="wa-qr" src="${link.qrDataUrl}" alt="${w(lang, 'qr_alt')}" width="264" height="264"></p>`;
    } else if (status === 'pairing' && link?.pairingCode) {
      detail = html`<p>${w(lang, 'pairing_enter')} <strong class="wa-pairing-code">${formatCode(link.pairingCode)}</strong></p>`;
    } else if (status === 'open') {
      detail = html`<p>${w(lang, 'linked_as')} <strong>${accountNumber(link?.me)}</strong></p>`;
    }
    const retry = status === 'open' ? undefined : link?.retry;
    const retrying = retry
      ? html`<p class="wa-retry">${w(lang, 'retrying', {
          failures: String(retry.failures),
          why: w(lang, `why_${retry.reason}`, { code: String(retry.statusCode ?? '') }),
          at: formatTime(lang, retry.nextAt, deps.timezone),
        })}</p>`
      : '';
    return html`<section id="wa-link" class="wa-link" data-status="${status ?? 'unknown'}" hx-get="/admin/whatsapp/status" hx-trigger="every ${poll}s" hx-swap="outerHTML">
  <p>${w(lang, 'status')}: <strong>${label}</strong></p>
  ${detail}
  ${retrying}
  ${link ? html`<p class="muted small">${w(lang, 'updated')} ${formatTime(lang, link.updatedAt, deps.timezone)}</p>` : ''}
</section>`;
  }

  function cloudBox(lang: UiLang, health: NonNullable<WhatsAppAdminDeps['cloud']>): Html {
    const h = health();
    const text = h.state === 'ok' ? w(lang, 'cloud_ok') : w(lang, 'cloud_degraded', { code: String(h.code ?? 401), since: h.since ? formatTime(lang, h.since, deps.timezone) : '' });
    return html`<section id="wa-link" class="wa-link" data-status="cloud-${h.state}" hx-get="/admin/whatsapp/status" hx-trigger="every ${poll}s" hx-swap="outerHTML"><p><strong>${text}</strong></p></section>`;
  }

  async function whatsappPage(req: FastifyRequest, reply: FastifyReply, status: number, flash: { kind: 'ok' | 'error'; text: string } | null) {
    const lang = req.lang;
    if (deps.cloud) return sendHtml(reply, status, page(req, { title: w(lang, 'title'), body: html`<h1>${w(lang, 'title')}</h1>${cloudBox(lang, deps.cloud)}`, flash }));
    if (!deps.enabled) {
      return sendHtml(reply, status, page(req, { title: w(lang, 'title'), body: html`<h1>${w(lang, 'title')}</h1><p class="wa-disabled">${w(lang, 'not_enabled')}</p>`, flash }));
    }
    const link = await deps.linkState();
    const pairingForm =
      link?.status === 'open'
        ? ''
        : html`<h2>${w(lang, 'pairing_title')}</h2>
<p class="muted">${w(lang, 'pairing_help')}</p>
<form method="post" action="/admin/whatsapp/pairing-code" class="grid-form">${csrfField(req)}
  <label>${w(lang, 'phone')}<input type="tel" name="phone" required placeholder="+62812…" autocomplete="off"></label>
  <button type="submit">${w(lang, 'get_code')}</button>
</form>`;
    const body = html`<h1>${w(lang, 'title')}</h1>
${statusBox(lang, link)}
${pairingForm}`;
    return sendHtml(reply, status, page(req, { title: w(lang, 'title'), body, flash }));
  }

  return async (app: FastifyInstance) => {
    const admin = app.requireRole('admin');

    app.get('/admin/whatsapp', { preHandler: admin }, async (req, reply) => whatsappPage(req, reply, 200, null));

    app.get('/admin/whatsapp/status', { preHandler: admin }, async (req, reply) => {
      if (deps.cloud) return sendHtml(reply, 200, cloudBox(req.lang, deps.cloud));
      if (!deps.enabled) return sendHtml(reply, 200, html`<p class="wa-disabled">${w(req.lang, 'not_enabled')}</p>`);
      return sendHtml(reply, 200, statusBox(req.lang, await deps.linkState()));
    });

    app.post('/admin/whatsapp/pairing-code', { preHandler: admin }, async (req, reply) => {
      const lang = req.lang;
      if (!deps.enabled || deps.cloud) return whatsappPage(req, reply, 409, null);
      const body = PairingBody.safeParse(req.body);
      const parsed = body.success ? parsePhoneNumberFromString(body.data.phone, deps.defaultCountry as CountryCode) : undefined;
      if (!parsed?.isValid()) return whatsappPage(req, reply, 400, { kind: 'error', text: w(lang, 'invalid_phone') });
      if (!deps.requestPairingCode) return whatsappPage(req, reply, 409, { kind: 'error', text: w(lang, 'not_here') });
      try {
        const code = await deps.requestPairingCode(parsed.number);
        // The number is the health office's own account, not a patient's; the audit row still keeps only who asked.
        audit(createRepositories(deps.db), { actorKind: 'user', actorId: req.auth!.user.id, action: 'whatsapp_pairing_code', entityType: 'whatsapp', ip: req.ip }, deps.clock());
        return whatsappPage(req, reply, 200, { kind: 'ok', text: w(lang, 'pairing_code', { code: formatCode(code) }) });
      } catch (error) {
        if (error instanceof WhatsAppUnavailableError) {
          const key: Word = error.reason === 'not_holder' ? 'not_here' : error.reason === 'already_linked' ? 'already_linked' : 'not_open';
          return whatsappPage(req, reply, 409, { kind: 'error', text: w(lang, key) });
        }
        req.log.warn({ err: error instanceof Error ? error.name : 'error' }, 'whatsapp pairing code request failed');
        return whatsappPage(req, reply, 502, { kind: 'error', text: w(lang, 'failed') });
      }
    });
  };
}

