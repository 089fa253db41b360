import path from 'node:path';
import type { MailboxItem } from '../../../src/domain/mailbox-item.js';
import type { MonitoringPolicy } from '../../../src/domain/monitoring.js';
import { createRepositories } from '../../../src/db/index.js';
import { createCases } from '../../../src/services/cases.js';
import { FlowRegistry } from '../../../src/services/flow-registry.js';
import { createMonitoringTurns, getMonitoringPolicy, monitoringTick } from '../../../src/services/monitoring/index.js';
import { ConversationService, type FollowUp } from '../../../src/services/turn/index.js';
import { repoRoot } from '../../support/system.js';
import { tempDb } from '../../support/temp-db.js';

/** The policy's defaults as the config gives them (KMK 4641/2021). */
export const POLICY: MonitoringPolicy = { quarantineDays: 5, entryTestDay: 1, exitTestDay: 5, checkinHour: 8, timeZone: 'Asia/Jakarta' };

/** Epoch ms of a Jakarta wall-clock time. */
export const at = (local: string) => Date.parse(`${local}+07:00`);

/**
 * The loop over a real SQLite file and the repository's flows, without Redis: mailbox items are handled at once, as the
 * `monitoring tick` command does, so a test plays days by setting `now`.
 */
export function loopHarness(start: string) {
  const { db } = tempDb();
  const stores = createRepositories(db);
  const flows = new FlowRegistry(stores);
  const h = {
    db,
    stores,
    now: at(start),
    policy: () => getMonitoringPolicy(stores, POLICY),
    conversations: undefined as unknown as ConversationService,
    /** Handle items and their follow-ups, in order; returns the outbox ids written. */
    run(items: MailboxItem[]): number[] {
      const queue: MailboxItem[] = [...items];
      const ids: number[] = [];
      for (let item = queue.shift(); item; item = queue.shift()) {
        const out = h.conversations.handle(item, h.now);
        ids.push(...out.outboxIds);
        queue.push(...(out.followUps as FollowUp[]));
      }
      return ids;
    },
    tick(local?: string) {
      if (local) h.now = at(local);
      const r = monitoringTick(stores, h.policy(), h.now);
      h.run(r.items);
      return r;
    },
    /** A case (with a chat on the fake channel) who names a contact last seen on `lastContact`; returns the exposure. */
    name(caseRef: string, contact: { name: string; phone: string | null }, lastContact: string | null) {
      const [c] = createCases(stores, [{ externalId: caseRef, name: `Case ${caseRef}`, phone: null, dateOfBirth: null, testDate: null, confirmedAt: h.now, language: 'id', area: 'Menteng' }], {
        now: h.now,
        startCodeTtlMs: 86_400_000,
      });
      const contactId = (contact.phone ? stores.contacts.contactIdByPhone(contact.phone) : undefined) ?? stores.contacts.insertContact({ ...contact, area: 'Menteng', hasSymptoms: null, now: h.now });
      const sourceKey = `seed:${caseRef}:${contactId}`;
      stores.contacts.insertExposure({ caseId: c!.id, contactId, conversationId: null, setting: 'household', lastContactDate: lastContact, hasSymptoms: null, notes: null, sourceKey, now: h.now });
      return { caseId: c!.id, contactId, sourceKey };
    },
    /** What outreach does for an enrolled contact with a phone on the fake channel: the notification run. */
    notify(enrolmentId: number, phone: string) {
      stores.monitoring.markQueued(enrolmentId, 'fake', phone, h.now);
      return h.run([{ type: 'monitoring', action: 'notify', enrolmentId, channel: 'fake', channelUserId: phone, id: `n-${enrolmentId}`, enqueuedAt: h.now }]);
    },
    /** Notified, and the person proved who they are by typing their name (check-ins start only then). */
    notifyAndConfirm(enrolmentId: number, phone: string, name: string) {
      h.notify(enrolmentId, phone);
      h.say(phone, 'halo');
      h.say(phone, name);
    },
    seq: 0,
    /** The contact types `text` in their chat. */
    say(phone: string, text: string) {
      h.seq += 1;
      return h.run([{ type: 'message', message: { channel: 'fake', channelMessageId: `m${h.seq}`, channelUserId: phone, sentAt: h.now, content: { kind: 'text', text } }, enqueuedAt: h.now }]);
    },
    /** The bot's messages in a chat, oldest first. */
    texts(phone: string): string[] {
      return (
        db.$client
          .prepare(`SELECT m.text FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.channel_user_id = ? AND m.direction = 'out' ORDER BY m.id`)
          .all(phone) as { text: string }[]
      ).map((r) => r.text);
    },
  };
  flows.syncDirectory(path.join(repoRoot, 'flows'), h.now);
  h.conversations = new ConversationService({
    stores,
    flows,
    defaultFlow: 'case-interview',
    defaultCountry: 'ID',
    monitoring: createMonitoringTurns({ policy: h.policy, startCodeTtlMs: 86_400_000 }),
  });
  return h;
}
