import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * Real-shaped Cloud API webhook bodies (Meta's public webhook reference), signed like Meta signs them, and a tiny HTTP
 * endpoint that hands the raw body to an adapter, for tests that do not run the whole web server.
 */

export type Json = Record<string, unknown>;

export const WABA_ID = '102290129340398';
export const DISPLAY_NUMBER = '15550783881';

/** `sha256=<hex>` over the exact bytes, as Meta sends in X-Hub-Signature-256. */
export function sign(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** The envelope around one `messages` change. */
export function envelope(phoneNumberId: string, value: Json): Json {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: WABA_ID,
        changes: [
          {
            field: 'messages',
            value: { messaging_product: 'whatsapp', metadata: { display_phone_number: DISPLAY_NUMBER, phone_number_id: phoneNumberId }, ...value },
          },
        ],
      },
    ],
  };
}

/** One inbound message of `type` from `waId`, with the sender's profile as Meta adds it. */
export function inboundMessage(phoneNumberId: string, m: { waId: string; id: string; seconds: number; type: string; name?: string; extra?: Json }): Json {
  return envelope(phoneNumberId, {
    contacts: [{ profile: { name: m.name ?? 'Pasien Uji' }, wa_id: m.waId }],
    messages: [{ from: m.waId, id: m.id, timestamp: String(m.seconds), type: m.type, ...(m.extra ?? {}) }],
  });
}

/** A status update for one of our sends. */
export function statusUpdate(phoneNumberId: string, s: { wamid: string; waId: string; status: string; seconds: number; error?: { code: number; title: string } }): Json {
  return envelope(phoneNumberId, {
    statuses: [
      {
        id: s.wamid,
        status: s.status,
        timestamp: String(s.seconds),
        recipient_id: s.waId,
        ...(s.status === 'sent' || s.status === 'delivered' ? { pricing: { billable: true, pricing_model: 'PMP', category: 'utility' } } : {}),
        ...(s.error ? { errors: [{ code: s.error.code, title: s.error.title, message: s.error.title, error_data: { details: s.error.title } }] } : {}),
      },
    ],
  });
}

/** Media payloads per type, as Meta describes them (ids of the uploaded file, never a URL). */
export function mediaExtra(kind: 'image' | 'audio' | 'voice' | 'video' | 'document' | 'sticker', n: number): { type: string; extra: Json } {
  const id = `${900000000000000 + n}`;
  switch (kind) {
    case 'image':
      return { type: 'image', extra: { image: { id, mime_type: 'image/jpeg', sha256: 'abc', caption: 'hasil lab' } } };
    case 'audio':
      return { type: 'audio', extra: { audio: { id, mime_type: 'audio/mpeg' } } };
    case 'voice':
      return { type: 'audio', extra: { audio: { id, mime_type: 'audio/ogg; codecs=opus', voice: true } } };
    case 'video':
      return { type: 'video', extra: { video: { id, mime_type: 'video/mp4' } } };
    case 'document':
      return { type: 'document', extra: { document: { id, mime_type: 'application/pdf', filename: 'surat.pdf' } } };
    case 'sticker':
      return { type: 'sticker', extra: { sticker: { id, mime_type: 'image/webp', animated: false } } };
  }
}

/** What our endpoint answered to one webhook POST. */
export interface Delivery {
  status: number;
  body: string;
}

/** POST a webhook body (already serialised) with the given headers; resolves with the answer. */
export async function postWebhook(url: string, body: string, headers: Record<string, string>): Promise<Delivery> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, body: await res.text() };
}

function rawBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A loopback HTTP endpoint that gives each POST's raw body to `onPost` and each GET's query to `onGet`. */
export async function serveWebhook(handlers: {
  onPost: (headers: Record<string, string | string[] | undefined>, raw: Buffer) => Promise<{ status: number }>;
  onGet?: (query: Record<string, string>) => { status: number; body: string };
}): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method === 'GET' && handlers.onGet) {
        const r = handlers.onGet(Object.fromEntries(url.searchParams));
        res.writeHead(r.status, { 'content-type': 'text/plain' }).end(r.body);
        return;
      }
      const raw = await rawBody(req);
      const r = await handlers.onPost(req.headers, raw);
      res.writeHead(r.status).end();
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/whatsapp/webhook`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
