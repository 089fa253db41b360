// A browser's session over real HTTP (fetch), for tests against running tracebot processes rather than fastify inject.

/** Cookies as a browser keeps them: name=value, the last Set-Cookie of a name wins. */
function absorb(jar: Map<string, string>, res: Response): void {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const at = pair!.indexOf('=');
    if (at > 0) jar.set(pair!.slice(0, at).trim(), pair!.slice(at + 1).trim());
  }
}

const header = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

/**
 * Sign in through the login form at `base` (an account without two-step sign-in); returns the Cookie header of the
 * session and the status of the POST (303 on success).
 */
export async function signIn(base: string, email: string, password: string): Promise<{ cookie: string; status: number }> {
  const jar = new Map<string, string>();
  const form = await fetch(`${base}/login`, { redirect: 'manual' });
  absorb(jar, form);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: header(jar), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password, _csrf: csrf }).toString(),
  });
  absorb(jar, res);
  await res.arrayBuffer();
  return { cookie: header(jar), status: res.status };
}

/** One Server-Sent Event as it arrived. */
export interface ReceivedEvent {
  event: string;
  data: unknown;
  at: number;
}

/** An open event stream: what arrived so far, and a way to close it. */
export interface EventStream {
  status: number;
  events: ReceivedEvent[];
  close(): void;
}

/** Open `url` as an event stream (with `cookie`) and collect its events until closed. */
export async function openEventStream(url: string, cookie: string): Promise<EventStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { cookie, accept: 'text/event-stream' }, signal: abort.signal, redirect: 'manual' });
  const events: ReceivedEvent[] = [];
  if (res.ok && res.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const field = (name: string) => block.split('\n').find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
          const event = field('event');
          const data = field('data');
          if (event && data !== undefined) events.push({ event, data: JSON.parse(data) as unknown, at: Date.now() });
        }
      }
    })().catch(() => undefined);
  }
  return { status: res.status, events, close: () => abort.abort() };
}
