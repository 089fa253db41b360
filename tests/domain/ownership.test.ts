import { describe, expect, it } from 'vitest';
import { botMaySpeak, transition, type Ownership, type OwnershipAction } from '../../src/domain/ownership.js';

const bot: Ownership = { owner: 'bot', assigneeId: null };
const queued: Ownership = { owner: 'tracer', assigneeId: null };
const withAna: Ownership = { owner: 'tracer', assigneeId: 1 };
const closed: Ownership = { owner: 'closed', assigneeId: null };

describe('who owns a conversation', () => {
  it.each<[string, Ownership, OwnershipAction, unknown]>([
    ['an escalation silences the bot and queues the chat', bot, { type: 'escalate' }, queued],
    ['an escalation of a claimed chat keeps the tracer', withAna, { type: 'escalate' }, withAna],
    ['a tracer claims a queued chat', queued, { type: 'claim', tracerId: 1 }, withAna],
    ['a tracer may claim straight from the bot', bot, { type: 'claim', tracerId: 1 }, withAna],
    ['a second tracer is told who has it', withAna, { type: 'claim', tracerId: 2 }, { refused: 'already_claimed', by: 1 }],
    ['claiming again is harmless', withAna, { type: 'claim', tracerId: 1 }, withAna],
    ['a transfer moves the chat', withAna, { type: 'transfer', fromTracerId: 1, toTracerId: 2 }, { owner: 'tracer', assigneeId: 2 }],
    ['only the assignee transfers', withAna, { type: 'transfer', fromTracerId: 3, toTracerId: 2 }, { refused: 'not_assignee', assigneeId: 1 }],
    ['a release puts it back in the queue', withAna, { type: 'release', tracerId: 1 }, queued],
    ['a hand back gives it to the bot', withAna, { type: 'hand_back', tracerId: 1 }, bot],
    ['only the assignee hands back', withAna, { type: 'hand_back', tracerId: 2 }, { refused: 'not_assignee', assigneeId: 1 }],
    ['nobody claims a closed chat', closed, { type: 'claim', tracerId: 1 }, { refused: 'closed' }],
    ['a closed chat reopens to the bot', closed, { type: 'reopen' }, bot],
    ['closing always works', withAna, { type: 'close' }, closed],
  ])('%s', (_name, from, action, expected) => {
    expect(transition(from, action)).toEqual(expected);
  });

  it('lets the bot speak only when it owns the chat', () => {
    expect([bot, queued, withAna, closed].map(botMaySpeak)).toEqual([true, false, false, false]);
  });
});
