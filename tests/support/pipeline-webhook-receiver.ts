import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

/** One POST the receiver got. */
export interface WebhookHit {
  deliveryId: string;
  event: string;
  status: number;
  signatureValid: boolean;
  body: { id: string; event: string; occurred_at: string; data: Record<string, unknown> };
}

/** An integration's endpoint on 127.0.0.1 that answers HTTP 500 to the first `failFirst` attempts of every delivery. */
export interface WebhookReceiver {
  url: string;
  hits: WebhookHit[];
  close(): Promise<void>;
}

/** Start the receiver; it checks `x-tracebot-signature` (`sha256=<hex>` HMAC of the raw body) with `secret` itself. */
export async function startWebhookReceiver(secret: string, failFirst: number): Promise<WebhookReceiver> {
  const hits: WebhookHit[] = [];
  const attempts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const deliveryId = String(req.headers['x-tracebot-delivery'] ?? '');
      const n = (attempts.get(deliveryId) ?? 0) + 1;
      attempts.set(deliveryId, n);
      const status = n <= failFirst ? 500 : 200;
      const want = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
      const got = Buffer.from(String(req.headers['x-tracebot-signature'] ?? ''));
      hits.push({
        deliveryId,
        event: String(req.headers['x-tracebot-event'] ?? ''),
        status,
        signatureValid: got.length === want.length && timingSafeEqual(got, want),
        body: JSON.parse(raw.toString('utf8')) as WebhookHit['body'],
      });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hooks/tracebot`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
