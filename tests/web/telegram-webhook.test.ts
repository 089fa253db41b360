import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramChannel } from '../../src/channels/telegram/index.js';
import { telegramWebhookRoutes } from '../../src/web/telegram-webhook.js';
import { buildTestWeb, type TestWeb } from '../support/seed.js';

const SECRET = 'rahasia_Webhook-123';
let web: TestWeb | undefined;
afterEach(async () => {
  await web?.app.close();
  web = undefined;
});

/** The web app with the real Telegram adapter in webhook mode (never started: no Bot API is called). */
async function setup() {
  const channel = createTelegramChannel({
    token: '123:test',
    apiRoot: 'http://127.0.0.1:9/',
    logger: pino({ level: 'silent' }),
    webhook: { url: 'https://example.org/telegram/webhook', secret: SECRET },
  });
  web = await buildTestWeb({ plugins: [telegramWebhookRoutes(channel)] });
  return web.app;
}

const post = (app: TestWeb['app'], payload: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/telegram/webhook', headers: { 'content-type': 'application/json', ...headers }, payload });

describe('the Telegram webhook checks the secret before it reads the body', () => {
  it('answers 401 to malformed JSON without the secret (or with a wrong one), not 400', async () => {
    const app = await setup();
    expect((await post(app, '{"update_id": 1,')).statusCode).toBe(401);
    expect((await post(app, 'not json at all', { 'x-telegram-bot-api-secret-token': 'wrong' })).statusCode).toBe(401);
    expect((await post(app, '<xml/>', { 'content-type': 'application/xml' })).statusCode).toBe(401);
  });

  it('answers 400 to malformed JSON that carries the right secret, and 503 to an update before the bot started', async () => {
    const app = await setup();
    expect((await post(app, '{"update_id": 1,', { 'x-telegram-bot-api-secret-token': SECRET })).statusCode).toBe(400);
    expect((await post(app, '{"update_id": 1}', { 'x-telegram-bot-api-secret-token': SECRET })).statusCode).toBe(503);
  });

  it('is a 404 when this process has no Telegram channel', async () => {
    web = await buildTestWeb({ plugins: [telegramWebhookRoutes(undefined)] });
    expect((await post(web.app, '{}')).statusCode).toBe(404);
  });
});
