import type { FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import type { Html } from '../../html.js';
import { page, sendHtml, type PageOptions } from '../../layout.js';
import { hasKey, t } from '../../i18n.js';

/** A coordinator page: the common layout plus coord.css/coord.js (and any extra assets), flash taken from `?ok=` / `?err=`. */
export function coordPage(req: FastifyRequest, reply: FastifyReply, o: PageOptions & { status?: number }): FastifyReply {
  const q = req.query as Record<string, unknown>;
  const flashKey = typeof q.ok === 'string' ? q.ok : typeof q.err === 'string' ? q.err : undefined;
  const vars = { v: typeof q.v === 'string' ? q.v : '', n: typeof q.n === 'string' ? q.n : '' };
  const flash = o.flash ?? (flashKey && hasKey(flashKey) ? { kind: typeof q.ok === 'string' ? ('ok' as const) : ('error' as const), text: t(req.lang, flashKey, vars) } : null);
  return sendHtml(reply, o.status ?? 200, page(req, { ...o, flash, styles: [...(o.styles ?? []), 'coord.css'], scripts: [...(o.scripts ?? []), 'coord.js'], bodyClass: `coord ${o.bodyClass ?? ''}` }));
}

/** A fragment for htmx requests, the whole page otherwise (so every form also works without scripts). */
export function fragmentOrPage(req: FastifyRequest, reply: FastifyReply, fragment: Html, whole: () => PageOptions & { status?: number }, status = 200): FastifyReply {
  if (req.headers['hx-request']) return sendHtml(reply, status, fragment);
  return coordPage(req, reply, { ...whole(), status });
}

/** A Telegram start link and its QR code (a data: URL the CSP allows), or nothing without a Telegram channel. */
export async function startLink(deepLink: ((code: string) => Promise<string>) | undefined, code: string): Promise<{ link: string; qr: string } | undefined> {
  if (!deepLink) return undefined;
  const link = await deepLink(code);
  return { link, qr: await QRCode.toDataURL(link, { margin: 1, width: 200 }) };
}

/** The user performing an action, for audit rows. */
export function actor(req: FastifyRequest): { kind: 'user'; id: number; ip: string } {
  return { kind: 'user', id: req.auth!.user.id, ip: req.ip };
}
