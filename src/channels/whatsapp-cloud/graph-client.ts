import { GraphApiError } from './errors.js';
import { GraphErrorBody, SendResponse } from './webhook-schema.js';

export interface GraphClientOptions {
  /** e.g. https://graph.facebook.com/v25.0 (a version-pinned root; a trailing slash is fine). */
  apiRoot: string;
  phoneNumberId: string;
  /** System-user access token. Never logged, never put in an error. */
  token: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** The one Graph API call the adapter makes: POST /{phone-number-id}/messages. Plain fetch; answers checked with zod. */
export class GraphClient {
  private readonly url: string;
  private readonly doFetch: typeof fetch;

  constructor(private readonly o: GraphClientOptions) {
    this.url = `${o.apiRoot.replace(/\/+$/, '')}/${encodeURIComponent(o.phoneNumberId)}/messages`;
    this.doFetch = o.fetch ?? fetch;
  }

  /** Send one message body; resolves with its wamid, rejects with a GraphApiError naming `operation`. */
  async send(operation: string, body: Record<string, unknown>): Promise<string> {
    let res: Response;
    try {
      res = await this.doFetch(this.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.o.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
    } catch (err) {
      // fetch errors may quote the URL; keep the name and errno only.
      const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause;
      const what = typeof cause?.code === 'string' ? cause.code : err instanceof Error ? err.name : 'network error';
      throw new GraphApiError(operation, undefined, undefined, what, { cause: err });
    }
    const json: unknown = await res.json().catch(() => undefined);
    if (!res.ok) {
      const e = GraphErrorBody.safeParse(json);
      const error = e.success ? e.data.error : undefined;
      // Meta's `message` is a fixed description of the code ("(#131026) Message undeliverable"), never our content.
      throw new GraphApiError(operation, res.status, error?.code, (error?.message ?? res.statusText).slice(0, 200), {
        ...(error?.error_subcode !== undefined ? { subcode: error.error_subcode } : {}),
        ...(error?.fbtrace_id ? { fbtraceId: error.fbtrace_id } : {}),
      });
    }
    const ok = SendResponse.safeParse(json);
    if (!ok.success) throw new GraphApiError(operation, res.status, undefined, 'answer without a message id');
    return ok.data.messages[0]!.id;
  }
}
