import { afterEach, describe, expect, inject, it } from 'vitest';
import { MailboxItem } from '../../src/domain/mailbox-item.js';
import { chatRecord } from '../support/pipeline-queries.js';
import { INTERVIEW_SCRIPT, converse, expectedChat, sleep } from '../support/pipeline-script.js';
import { SCRIPTED, eventually, startTestSystem } from '../support/system.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

describe('a poison message (its turn throws every time)', () => {
  let sys: Sys | undefined;
  afterEach(async () => {
    await sys?.stop();
    sys = undefined;
  });

  it('goes to the dead-letter list after 3 failures while its chat and the other chats go on', async () => {
    let poisonId = '';
    let poisonTries = 0;
    sys = await startTestSystem(
      inject('redisUrl'),
      { ROLES: 'worker,channels' },
      {
        ...SCRIPTED,
        deadLetterReplayAfterMs: 300,
        // Stands in for a turn that crashes on one particular message (a bug the engine cannot turn into a value).
        onItem: (phase, _key, item) => {
          if (phase === 'start' && item.type === 'message' && item.message.channelMessageId === poisonId) {
            poisonTries++;
            throw new Error('turn crashed');
          }
        },
      },
    );
    const phone = sys.fakePlatform!;
    const flow = sys.flows.latest('case-interview')!.flow;
    const others = INTERVIEW_SCRIPT.slice(0, 6);
    const othersExpected = expectedChat(flow, others);
    const bystanders = Promise.all(
      Array.from({ length: 5 }, (_, i) => converse(phone, `bystander-${i}`, others, othersExpected, { thinkMs: () => 100 })),
    );

    const greeted = expectedChat(flow, ['halo']);
    await converse(phone, 'victim', ['halo'], greeted);
    poisonId = phone.patientSends('victim', { kind: 'text', text: 'ya' });
    const next = phone.patientSends('victim', { kind: 'text', text: 'ya' });
    // The message after the poison one is answered as if the poison one never came: consent, then the identity question.
    const afterNext = expectedChat(flow, ['halo', 'ya']).textsAfter[1]!;
    await eventually(() => (phone.inbox('victim').length >= afterNext.length ? true : undefined), 'the next message answered', 15_000);
    expect(await bystanders).toEqual(Array.from({ length: 5 }, () => othersExpected.textsAfter.at(-1)));

    expect(poisonTries).toBe(3);
    const dead = (await sys.pipeline.mailboxes.deadLetters()).map((text) => MailboxItem.parse(JSON.parse(text)));
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ type: 'message', message: { channelMessageId: poisonId, channelUserId: 'victim' } });
    const rec = chatRecord(sys.db, 'victim');
    expect(rec.inboundIds).toEqual([rec.inboundIds[0], next]);
    expect(phone.inbox('victim').map((d) => d.text)).toEqual(afterNext);

    // Its chat has answered a later message since: replaying it now would answer the wrong question, so it stays set aside.
    await sleep(400);
    await sys.pipeline.sweep();
    expect((await sys.pipeline.mailboxes.deadLetters()).length).toBe(1);
    expect(poisonTries).toBe(3);
  }, 60_000);

  it('is tried again after a rest when nothing later of its chat was handled, and answered once if the fault has passed', async () => {
    let poisonId = '';
    let poisonTries = 0;
    sys = await startTestSystem(
      inject('redisUrl'),
      { ROLES: 'worker,channels' },
      {
        ...SCRIPTED,
        deadLetterReplayAfterMs: 300,
        // A fault that lasts for the first three tries only (a dependency that was briefly broken).
        onItem: (phase, _key, item) => {
          if (phase === 'start' && item.type === 'message' && item.message.channelMessageId === poisonId && ++poisonTries <= 3) throw new Error('turn crashed');
        },
      },
    );
    const phone = sys.fakePlatform!;
    const flow = sys.flows.latest('case-interview')!.flow;
    const want = expectedChat(flow, ['halo', 'ya']).textsAfter[1]!;
    await converse(phone, 'comeback', ['halo'], expectedChat(flow, ['halo']));
    poisonId = phone.patientSends('comeback', { kind: 'text', text: 'ya' });
    await eventually(() => (phone.inbox('comeback').length >= want.length ? true : undefined), 'the set-aside message answered after its rest', 15_000);
    expect(poisonTries).toBe(4);
    expect(chatRecord(sys.db, 'comeback').inboundIds.at(-1)).toBe(poisonId);
    expect(phone.inbox('comeback').map((d) => d.text)).toEqual(want);
    expect(await sys.pipeline.mailboxes.deadLetters()).toEqual([]);
  }, 60_000);
});
