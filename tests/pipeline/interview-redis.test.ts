import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { FakePlatform } from '../../src/channels/fake/index.js';
import { chatIdle, repliesAfterLastInbound } from '../support/pipeline-idle.js';
import { SCRIPTED, eventually, startTestSystem } from '../support/system.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

describe('a patient interviewed through the pipeline (fake channel, real Redis and SQLite)', () => {
  let sys: Sys;
  let phone: FakePlatform;

  beforeEach(async () => {
    sys = await startTestSystem(inject('redisUrl'), { ROLES: 'worker,channels' }, SCRIPTED);
    phone = sys.fakePlatform!;
  });
  afterEach(async () => {
    await sys.stop();
  });

  const say = (user: string, text: string) => phone.patientSends(user, { kind: 'text', text });
  const waitFor = (user: string, n: number) => eventually(() => (phone.inbox(user).length >= n ? phone.inbox(user) : undefined), `${n} bot messages`);

  it('greets a new patient and asks for consent', async () => {
    say('p1', 'halo');
    const inbox = await waitFor('p1', 1);
    expect(inbox.at(-1)!.choices.length).toBeGreaterThan(0);
    const conv = sys.db.$client.prepare(`SELECT owner, flow_id, flow_version, step_id FROM conversations`).get() as Record<string, unknown>;
    expect(conv).toMatchObject({ owner: 'bot', flow_id: 'case-interview', flow_version: 1 });
    const messages = sys.db.$client.prepare(`SELECT direction, status FROM messages ORDER BY id`).all() as { direction: string; status: string }[];
    expect(messages[0]).toEqual({ direction: 'in', status: 'received' });
    await eventually(() => (messages.length && (sys.db.$client.prepare(`SELECT count(*) AS n FROM messages WHERE direction = 'out' AND status = 'sent'`).get() as { n: number }).n >= 1 ? true : undefined), 'sent status');
  });

  it('escalates to a tracer when the patient asks for a person, and the bot then stays silent', async () => {
    say('p2', 'halo');
    const first = await waitFor('p2', 1);
    say('p2', 'petugas');
    await eventually(() => (sys.db.$client.prepare(`SELECT reason FROM escalations`).get() as { reason: string } | undefined), 'escalation');
    const afterHandoff = await waitFor('p2', first.length + 1);
    const conv = sys.db.$client.prepare(`SELECT owner, assignee_id FROM conversations`).get();
    expect(conv).toEqual({ owner: 'tracer', assignee_id: null });
    say('p2', 'halo? masih ada orang?');
    await eventually(() => ((sys.db.$client.prepare(`SELECT count(*) AS n FROM messages WHERE direction = 'in'`).get() as { n: number }).n === 3 ? true : undefined), 'third inbound');
    // The turn of that message is committed and the pipeline is done with the chat: no reply was stored after it.
    expect(await repliesAfterLastInbound(sys, 'p2')).toEqual({ messages: 0, sends: 0 });
    expect(phone.inbox('p2').length).toBe(afterHandoff.length);
  });

  it('has effect once for a message the channel delivers twice', async () => {
    say('p3', 'halo');
    await waitFor('p3', 1);
    phone.redeliverLast('p3');
    phone.redeliverLast('p3');
    say('p3', 'ya');
    const n = phone.inbox('p3').length;
    await waitFor('p3', n + 1);
    await chatIdle(sys, 'p3');
    const inbound = sys.db.$client.prepare(`SELECT count(*) AS n FROM messages WHERE direction = 'in'`).get() as { n: number };
    expect(inbound.n).toBe(2);
  });
});
