import type { ContactInvitesRepository, InvitedContact } from '../../domain/repositories/contact-invites.js';
import type { Db } from '../client.js';

/** Contact invite codes over SQLite; statements prepared once. */
export function createContactInvitesRepository(db: Db): ContactInvitesRepository {
  const c = db.$client;
  const issue = c.prepare(`INSERT INTO contact_invites (code_hash, case_id, created_at) VALUES (?, ?, ?) ON CONFLICT (code_hash) DO NOTHING`);
  const byCode = c.prepare(`SELECT case_id AS caseId FROM contact_invites WHERE code_hash = ?`);
  const contactsOf = c.prepare(
    `SELECT DISTINCT k.id, k.name FROM exposures e
       JOIN contacts m ON m.id = e.contact_id
       JOIN contacts k ON k.id = COALESCE(m.merged_into_id, m.id)
     WHERE e.case_id = ? AND k.merged_into_id IS NULL ORDER BY k.id`,
  );
  return {
    issue: (caseId, codeHash, now) => void issue.run(codeHash, caseId, now),
    caseIdByCode: (codeHash) => (byCode.get(codeHash) as { caseId: number } | undefined)?.caseId,
    contactsOf: (caseId) => contactsOf.all(caseId) as InvitedContact[],
  };
}
