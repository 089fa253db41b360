import { chat, cloudHarness, waIdOf } from '../support/cloud-harness.js';
import { describeChannelContract } from './channel-contract.js';

// The Cloud API adapter against the fake Graph API over loopback HTTP; patients' messages arrive as signed webhooks.
describeChannelContract('whatsapp (cloud api)', async () => {
  const h = await cloudHarness();
  const userId = (n: number) => chat(`62812000${String(n).padStart(5, '0')}`);
  // These patients wrote within the last 24 hours, so replies go out free-form (the window itself is tested elsewhere).
  for (let n = 1; n <= 10; n++) {
    h.api.openWindow(waIdOf(userId(n)));
    await h.store.noteInbound(userId(n), Date.now());
  }
  const unreachable = '6289999999999';
  h.api.unreachable.add(unreachable);
  await h.store.noteInbound(chat(unreachable), Date.now());
  return {
    channel: h.channel,
    userId,
    unreachableUserId: chat(unreachable),
    patient: {
      sendText: async (u, text) => void (await h.api.sendText(waIdOf(u), text)),
      sendSticker: async (u) => void (await h.api.sendMedia(waIdOf(u), 'sticker')),
      sendContactCard: async (u, name, phone) => void (await h.api.sendContacts(waIdOf(u), [{ name, phone, waId: phone.replace(/\D/g, '') }])),
      pressChoice: async (u, label) => void (await h.api.pressChoice(waIdOf(u), label)),
      redeliverLast: async (u) => void (await h.api.redeliverLast(waIdOf(u))),
    },
    delivered: async (u) => h.api.sentTo(waIdOf(u)).map((s) => ({ text: s.text, choices: s.choices })),
    close: () => h.close(),
  };
});
