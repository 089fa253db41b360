import pino from 'pino';
import { createTelegramChannel } from '../../src/channels/telegram/index.js';
import { FakeTelegramApi } from '../support/fake-telegram-api.js';
import { describeChannelContract } from './channel-contract.js';

// The Telegram adapter in polling mode, over real HTTP to a fake Bot API on 127.0.0.1.
describeChannelContract('telegram', async () => {
  const api = await FakeTelegramApi.start({ maxHoldMs: 200 });
  const blocked = 999_000_001;
  api.block(blocked);
  const channel = createTelegramChannel({
    token: api.token,
    apiRoot: api.apiRoot,
    logger: pino({ level: 'silent' }),
    pollingRetry: { minMs: 20, maxMs: 200 },
    pollTimeoutSec: 1,
  });
  const chat = (userId: string) => Number(userId);
  return {
    channel,
    userId: (n) => String(100_000 + n),
    unreachableUserId: String(blocked),
    patient: {
      sendText: async (u, text) => void api.sendText(chat(u), text),
      sendSticker: async (u) => void api.sendMedia(chat(u), 'sticker'),
      sendContactCard: async (u, name, phone) => {
        const [firstName, ...rest] = name.split(' ');
        void api.sendContact(chat(u), { firstName: firstName!, lastName: rest.join(' '), phone });
      },
      pressChoice: async (u, label) => void api.pressButton(chat(u), label),
      redeliverLast: async (u) => void api.redeliverLast(chat(u)),
    },
    delivered: async (u) => api.sent(chat(u)).map((m) => ({ text: m.text, choices: m.buttons })),
    close: () => api.close(),
  };
});
