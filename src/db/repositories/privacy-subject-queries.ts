import type { SqlStatement as Statement } from '../sql-client.js';
import type { PrivacyRepository, RedactionTargets, SubjectRows } from '../../domain/repositories/privacy.js';

type SubjectQueries = Pick<PrivacyRepository, 'findSubject' | 'subjectRows' | 'outboxIdsFor' | 'chatKeysFor' | 'openConversations'>;

// A conversation is over when closed, or when the bot holds it and its interview completed or stopped (the expiry timer
// closes such chats later; a finished interview does not wait for it).
export const FINISHED = `(owner = 'closed' OR (owner = 'bot' AND json_valid(state) AND json_extract(state, '$.status') IN ('completed', 'stopped')))`;

const IN = (param: string) => `IN (SELECT value FROM json_each(@${param}))`;

/** Looking a person up and reading everything held about them (the privacy repository's subject-access half). */
export function createSubjectQueries(sql: (text: string) => Statement): SubjectQueries {
  const column = (query: string, p: Record<string, unknown>) => (sql(query).all(p) as { id: number }[]).map((r) => r.id);
  const rows = (query: string, p: Record<string, unknown>) => sql(query).all(p) as Record<string, unknown>[];
  return {
    findSubject: (q) => {
      if ('caseId' in q) {
        const found = sql(`SELECT id, source_contact_id AS contactId FROM cases WHERE id = ?`).get(q.caseId) as { id: number; contactId: number | null } | undefined;
        if (!found) return { conversationIds: [], caseIds: [], contactIds: [] };
        return {
          caseIds: [found.id],
          // The person's own record from before they were confirmed; contacts they named are other people.
          contactIds: found.contactId === null ? [] : [found.contactId],
          conversationIds: column(`SELECT id FROM conversations WHERE case_id = @id ORDER BY id`, { id: found.id }),
        };
      }
      const p = { phone: q.phone, chats: JSON.stringify(q.chatIds) };
      const caseIds = column(`SELECT id FROM cases WHERE phone = @phone ORDER BY id`, p);
      return {
        caseIds,
        contactIds: column(`SELECT id FROM contacts WHERE phone = @phone ORDER BY id`, p),
        conversationIds: column(
          `SELECT id FROM conversations WHERE case_id ${IN('cases')} OR channel_user_id ${IN('chats')} ORDER BY id`,
          { ...p, cases: JSON.stringify(caseIds) },
        ),
      };
    },

    subjectRows: (t: RedactionTargets): SubjectRows => {
      const p = { conversations: JSON.stringify(t.conversationIds), cases: JSON.stringify(t.caseIds), contacts: JSON.stringify(t.contactIds) };
      const exposures = rows(
        `SELECT * FROM exposures WHERE contact_id ${IN('contacts')} OR case_id ${IN('cases')} OR conversation_id ${IN('conversations')} ORDER BY id`,
        p,
      );
      const exposureIds = JSON.stringify(exposures.map((e) => e.id));
      return {
        cases: rows(`SELECT * FROM cases WHERE id ${IN('cases')} ORDER BY id`, p),
        conversations: rows(
          `SELECT id, channel, channel_user_id, case_id, flow_id, flow_version, step_id, owner, closed_reason, opted_out, unreachable, lang,
                  last_inbound_at, last_outbound_at, created_at, updated_at, state FROM conversations WHERE id ${IN('conversations')} ORDER BY id`,
          p,
        ),
        messages: rows(
          `SELECT id, conversation_id, direction, sender, author_id, kind, text, payload, channel, step_id, status, error, sent_at, created_at
           FROM messages WHERE conversation_id ${IN('conversations')} ORDER BY id`,
          p,
        ),
        answers: rows(`SELECT * FROM answers WHERE conversation_id ${IN('conversations')} OR case_id ${IN('cases')} ORDER BY id`, p),
        // A contact's own record; the names of people a case named are theirs, not this person's (exposures keep their ids).
        contacts: rows(`SELECT * FROM contacts WHERE id ${IN('contacts')} ORDER BY id`, p),
        exposures,
        places: rows(`SELECT * FROM places_visited WHERE case_id ${IN('cases')} ORDER BY id`, p),
        followUp: rows(`SELECT * FROM monitoring_enrolments WHERE contact_id ${IN('contacts')} ORDER BY id`, p),
        checkins: rows(
          `SELECT * FROM monitoring_checkins WHERE enrolment_id IN (SELECT id FROM monitoring_enrolments WHERE contact_id ${IN('contacts')}) ORDER BY enrolment_id, date`,
          p,
        ),
        escalations: rows(`SELECT * FROM escalations WHERE conversation_id ${IN('conversations')} ORDER BY id`, p),
        consent: rows(`SELECT * FROM consent_records WHERE conversation_id ${IN('conversations')} OR case_id ${IN('cases')} ORDER BY answered_at, id`, p),
        audit: rows(
          `SELECT a.id, a.at, a.actor_kind, a.actor_id, u.email AS actor_email, a.action, a.entity_type, a.entity_id, a.details FROM audit_log a
           LEFT JOIN users u ON u.id = a.actor_id AND a.actor_kind = 'user'
           WHERE (a.entity_type = 'conversation' AND a.entity_id IN (SELECT CAST(value AS TEXT) FROM json_each(@conversations)))
              OR (a.entity_type = 'case' AND a.entity_id IN (SELECT CAST(value AS TEXT) FROM json_each(@cases)))
              OR (a.entity_type = 'contact' AND a.entity_id IN (SELECT CAST(value AS TEXT) FROM json_each(@contacts)))
              OR (a.entity_type = 'exposure' AND a.entity_id IN (SELECT CAST(value AS TEXT) FROM json_each(@exposures)))
           ORDER BY a.id`,
          { ...p, exposures: exposureIds },
        ),
        redactions: rows(
          `SELECT * FROM privacy_redactions WHERE (entity_type = 'conversation' AND entity_id ${IN('conversations')})
             OR (entity_type = 'case' AND entity_id ${IN('cases')}) OR (entity_type = 'contact' AND entity_id ${IN('contacts')}) ORDER BY at, entity_type, entity_id`,
          p,
        ),
      };
    },

    outboxIdsFor: (conversationIds) => column(`SELECT id FROM outbox WHERE conversation_id ${IN('ids')} ORDER BY id`, { ids: JSON.stringify(conversationIds) }),
    chatKeysFor: (conversationIds) =>
      (sql(`SELECT DISTINCT channel || ':' || channel_user_id AS k FROM conversations WHERE id ${IN('ids')}`).all({ ids: JSON.stringify(conversationIds) }) as { k: string }[]).map(
        (r) => r.k,
      ),
    openConversations: (conversationIds) => column(`SELECT id FROM conversations WHERE NOT ${FINISHED} AND id ${IN('ids')} ORDER BY id`, { ids: JSON.stringify(conversationIds) }),
  };
}
