import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { OutboundMessage, SendResult } from '../../domain/channel.js';

/** WhatsApp shows long texts, but splitting keeps each bubble readable and under any server-side cap. */
export const WHATSAPP_MAX_TEXT = 4000;

/** Baileys' interactive buttons are unreliable on personal accounts, so choices travel as a numbered list the patient answers by number or label. */
export const CHOICE_HINT = 'Balas dengan angka / Reply with the number';

/** The text a patient sees: the message, then the numbered choices and a bilingual hint. */
export function formatOutboundText(message: Pick<OutboundMessage, 'text' | 'choices'>): string {
  const choices = message.choices ?? [];
  if (choices.length === 0) return message.text;
  const list = choices.map((c, i) => `${i + 1}. ${c.label}`).join('\n');
  return `${message.text}\n\n${list}\n\n_${CHOICE_HINT}_`;
}

/**
 * A stable WhatsApp message id for part `part` of outbox message `outboxId`, in baileys' own `3EB0…` shape: a retried send
 * reuses the id, so the recipient's phone treats it as the same message instead of showing it twice.
 */
export function outboundMessageId(outboxId: string, part: number): string {
  return `3EB0${createHash('sha256').update(`${outboxId}:${part}`).digest('hex').slice(0, 18).toUpperCase()}`;
}

const BoomLike = z.looseObject({
  message: z.string().optional(),
  data: z.unknown().optional(),
  output: z.looseObject({ statusCode: z.number().optional() }).optional(),
});

/** How long WhatsApp wants us to back off after `rate-overlimit`; it gives no figure, a minute is the community's rule of thumb. */
export const RATE_LIMIT_BACKOFF_MS = 60_000;

/**
 * Map an error thrown by baileys while sending into a SendResult. Baileys throws Boom errors: `output.statusCode` for
 * connection states (428 closed, 408 timed out, 440 replaced…), `data` with the server's error code for stanza errors.
 */
export function classifySendError(err: unknown): Exclude<SendResult, { ok: true }> {
  const parsed = BoomLike.safeParse(err);
  const message = parsed.success ? (parsed.data.message ?? '') : String(err);
  const status = parsed.success ? parsed.data.output?.statusCode : undefined;
  const code = parsed.success && typeof parsed.data.data === 'number' ? parsed.data.data : undefined;
  const detail = `whatsapp send failed: ${message || 'unknown error'}${status ? ` (status ${status})` : ''}${code ? ` (code ${code})` : ''}`.slice(0, 500);
  if (/rate-overlimit/i.test(message) || code === 429 || status === 429) {
    return { ok: false, kind: 'retry_after', retryAfterMs: RATE_LIMIT_BACKOFF_MS, detail };
  }
  if (/invalid jid|not-acceptable|item-not-found|not on whatsapp/i.test(message) || code === 404 || code === 406) {
    return { ok: false, kind: 'permanent', reason: 'not_found', detail };
  }
  if (code === 403 || /forbidden|not-authorized/i.test(message)) {
    return { ok: false, kind: 'permanent', reason: 'forbidden', detail };
  }
  return { ok: false, kind: 'transient', detail };
}
