import { createWhatsAppCloudChannel, MemoryWindowStore, type DeliveryStatusEvent, type WhatsAppCloudChannel, type WhatsAppCloudChannelOptions } from '../../src/channels/whatsapp-cloud/index.js';
import { FakeGraphApi, type FakeGraphOptions } from './fake-graph-api.js';
import { serveWebhook } from './graph-webhooks.js';

/** One log line the adapter wrote: level, object, message. */
export interface LogLine {
  level: string;
  obj: object;
  msg?: string;
}

/** The Cloud adapter wired to a fake Graph API over loopback HTTP, its webhooks served by a tiny endpoint. */
export interface CloudHarness {
  api: FakeGraphApi;
  channel: WhatsAppCloudChannel;
  store: MemoryWindowStore;
  statuses: DeliveryStatusEvent[];
  logs: LogLine[];
  webhookUrl: string;
  close(): Promise<void>;
}

/** The chat id of a test patient's WhatsApp id. */
export const chat = (waId: string) => `${waId}@s.whatsapp.net`;
export const waIdOf = (chatId: string) => chatId.split('@')[0]!;

/** Start the fake API, the endpoint and the adapter (not started: call `channel.start`). */
export async function cloudHarness(o: { fake?: FakeGraphOptions; channel?: Partial<WhatsAppCloudChannelOptions> } = {}): Promise<CloudHarness> {
  const api = await FakeGraphApi.start(o.fake);
  const store = new MemoryWindowStore();
  const statuses: DeliveryStatusEvent[] = [];
  const logs: LogLine[] = [];
  const line = (level: string) => (obj: object, msg?: string) => void logs.push({ level, obj, ...(msg ? { msg } : {}) });
  const channel = createWhatsAppCloudChannel({
    token: api.token,
    phoneNumberId: api.phoneNumberId,
    appSecret: api.appSecret,
    verifyToken: 'verify-me-please',
    apiRoot: api.apiRoot,
    template: { name: 'tracebot_checkin', language: 'id', params: ['Dinas Kesehatan Kota'], continueButton: true },
    logger: { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') },
    store,
    onStatus: (e) => void statuses.push(e),
    throttle: { minMs: 100, maxMs: 1600 },
    ...o.channel,
  });
  const endpoint = await serveWebhook({
    onPost: (headers, raw) => channel.handleWebhook(headers, raw),
    onGet: (query) => channel.verifySubscription(query),
  });
  api.webhookUrl = endpoint.url;
  return {
    api,
    channel,
    store,
    statuses,
    logs,
    webhookUrl: endpoint.url,
    close: async () => {
      await api.close();
      await endpoint.close();
    },
  };
}
