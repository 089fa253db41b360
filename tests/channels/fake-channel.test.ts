import { FakeChannel, FakePlatform } from '../../src/channels/fake/index.js';
import { describeChannelContract } from './channel-contract.js';

describeChannelContract('fake', async () => {
  const platform = new FakePlatform();
  platform.block('blocked-user');
  return {
    channel: new FakeChannel(platform),
    userId: (n) => `patient-${n}`,
    unreachableUserId: 'blocked-user',
    patient: {
      sendText: async (u, text) => void platform.patientSends(u, { kind: 'text', text }),
      sendSticker: async (u) => void platform.patientSends(u, { kind: 'media', media: 'sticker' }),
      sendContactCard: async (u, name, phone) => void platform.patientSends(u, { kind: 'contacts', contacts: [{ name, phone }] }),
      pressChoice: async (u, label) => {
        const c = platform.findChoice(u, label);
        if (!c) throw new Error(`no button ${label}`);
        platform.patientSends(u, { kind: 'choice', value: c.value, label: c.label });
      },
      redeliverLast: async (u) => platform.redeliverLast(u),
    },
    delivered: async (u) => platform.inbox(u).map((d) => ({ text: d.text, choices: d.choices.map((c) => c.label) })),
    close: async () => {},
  };
});
