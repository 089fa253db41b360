import { afterEach, describe, expect, inject, it } from 'vitest';
import { step, type EngineEvent } from '../../src/flow/index.js';
import { flowsDirWithReminders } from '../support/pipeline-flows.js';
import { chatIdle } from '../support/pipeline-idle.js';
import { chatRecord, count } from '../support/pipeline-queries.js';
import { INTERVIEW_SCRIPT, converse, expectedChat } from '../support/pipeline-script.js';
import { SCRIPTED, eventually, startTestSystem } from '../support/system.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

describe('reminders through the timers queue (reminder_after 1s, max_reminders 2)', () => {
  let sys: Sys | undefined;
  afterEach(async () => {
    await sys?.stop();
    sys = undefined;
  });

  it('reminds a silent patient twice, then escalates as unresponsive; a reply in time cancels the reminder', async () => {
    sys = await startTestSystem(inject('redisUrl'), { ROLES: 'worker,channels', FLOWS_DIR: flowsDirWithReminders({ reminderAfter: '1s', maxReminders: 2 }) }, SCRIPTED);
    const phone = sys.fakePlatform!;
    const flow = sys.flows.latest('case-interview')!.flow;
    expect(flow.settings.reminder_after).toBe('1s');

    // What the engine says on each reminder after the greeting: the reminder text and the question again.
    const greeted = expectedChat(flow, ['halo']);
    const first = step(flow, greeted.state, { kind: 'reminder' }, { now: Date.now() });
    const second = step(flow, first.state, { kind: 'reminder' }, { now: Date.now() });
    const texts = (events: EngineEvent[]) => events.flatMap((e) => (e.type === 'message' ? [e.text] : []));
    const afterReminders = [...greeted.textsAfter[0]!, ...texts(first.events), ...texts(second.events)];
    const reminderText = texts(first.events)[0]!;

    // The silent patient, and one who keeps answering every ~half a reminder period.
    const started = Date.now();
    phone.patientSends('silent', { kind: 'text', text: 'halo' });
    const script = INTERVIEW_SCRIPT.slice(0, 5);
    const chatty = expectedChat(flow, script);
    const answered = converse(phone, 'chatty', script, chatty, { thinkMs: () => 450 });

    await eventually(() => (phone.inbox('silent').length >= afterReminders.length ? true : undefined), 'two reminders', 8000);
    const remindedAfter = Date.now() - started;
    const esc = await eventually(
      () => sys!.db.$client.prepare(`SELECT e.reason, c.owner FROM escalations e JOIN conversations c ON c.id = e.conversation_id WHERE c.channel_user_id = 'silent'`).get() as
        | { reason: string; owner: string }
        | undefined,
      'the unresponsive escalation',
      8000,
    );
    expect(esc).toEqual({ reason: 'unresponsive', owner: 'tracer' });
    // No reminder while the patient kept answering (what the phone showed 450 ms after the last reply)...
    const chattyTexts = await answered;
    expect(chattyTexts).toEqual(chatty.textsAfter.at(-1));
    const chattyDoneAt = chattyTexts.length;
    // ...and the escalation sent the silent patient nothing more; the escalated chat gets no further reminders: once no
    // reminder is pending for it and the pipeline is done with it, the bot's stored messages are the greeting and two reminders.
    await chatIdle(sys, 'silent', { timers: ['reminder'] });
    expect(chatRecord(sys.db, 'silent').outbound.map((m) => m.text)).toEqual(afterReminders);
    expect(phone.inbox('silent').map((d) => d.text)).toEqual(afterReminders);
    expect(phone.inbox('silent').filter((d) => d.text === reminderText)).toHaveLength(2);
    // Once the chatty patient goes quiet, their reminder comes a second later.
    await eventually(() => (phone.inbox('chatty').length > chattyDoneAt ? true : undefined), 'a reminder for the patient who went quiet', 5000);
    expect(phone.inbox('chatty')[chattyDoneAt]!.text).toBe(reminderText);
    expect(chatRecord(sys.db, 'chatty').owner).toBe('bot');
    expect(count(sys.db, `SELECT count(*) AS n FROM escalations`)).toBe(1);
    console.info(`reminders: two reminders after ${remindedAfter} ms`);
  }, 60_000);
});
