import type { AnswersRepository } from './answers.js';
import type { CasesRepository } from './cases.js';
import type { ContactsRepository } from './contacts.js';
import type { ConversationsRepository } from './conversations.js';
import type { EscalationsRepository } from './escalations.js';
import type { InboundRepository } from './inbound.js';
import type { MessagesRepository } from './messages.js';
import type { OutboxRepository } from './outbox.js';
import type { TimersRepository } from './timers.js';
import type { WhatsAppAuthRepository } from './whatsapp-auth.js';
// --- data: imports ---
import type { ApiTokenRepository, LoginFailureRepository, SessionRepository, UserRepository } from './accounts.js';
import type { AccessRepository } from './access.js';
import type { AuditRepository } from './audit.js';
import type { ConsentRepository } from './consent.js';
import type { ContactInvitesRepository } from './contact-invites.js';
import type { ContactRegistryRepository } from './contact-registry.js';
import type { ConversationDirectoryRepository } from './conversation-directory.js';
import type { DemoRepository } from './demo.js';
import type { FlowVersionRepository } from './flows.js';
import type { InboxRepository } from './inbox.js';
import type { InboxReadsRepository } from './inbox-reads.js';
import type { PrivacyRepository } from './privacy.js';
import type { ReportRepository } from './reports.js';
import type { MonitoringRepository } from './monitoring.js';
import type { FollowUpReportRepository } from './follow-up-reports.js';
// --- end data: imports ---

/**
 * Ports for persistence: every service reads and writes through these interfaces, never through drizzle or SQL.
 * Methods are synchronous because the embedded database (better-sqlite3) is; `transaction` runs its function in one
 * IMMEDIATE transaction so a whole turn commits or nothing does. Implementations live in `src/db/repositories/`.
 */
export interface TransactionRunner {
  /** Run `fn` in one write transaction; a throw rolls everything back. Nested calls join the outer transaction. */
  transaction<T>(fn: () => T): T;
  /** Inside a transaction: run `fn` in a savepoint, so a throw undoes only its own writes. Outside: like `transaction`. */
  savepoint<T>(fn: () => T): T;
  /**
   * Like `transaction`, but never waits for the write lock: undefined when another process holds it now. The database waits
   * for a busy lock synchronously, which freezes the whole process; a caller that can wait asynchronously (see
   * `services/write-soon.ts`) keeps serving its other work meanwhile.
   */
  tryTransaction<T>(fn: () => T): { value: T } | undefined;
}


// --- core: the message pipeline's repositories ---
export type * from './answers.js';
export type * from './cases.js';
export type * from './contacts.js';
export type * from './conversations.js';
export type * from './escalations.js';
export type * from './inbound.js';
export type * from './messages.js';
export type * from './outbox.js';
export type * from './timers.js';
export type * from './whatsapp-auth.js';
// --- end core ---

// --- data: repositories outside the pipeline core ---
export type * from './accounts.js';
export type * from './access.js';
export type * from './audit.js';
export type * from './consent.js';
export type * from './contact-invites.js';
export type * from './contact-registry.js';
export type * from './conversation-directory.js';
export type * from './demo.js';
export type * from './flows.js';
export type * from './inbox.js';
export type * from './inbox-reads.js';
export type * from './privacy.js';
export type * from './reports.js';
export type * from './monitoring.js';
export type * from './follow-up-reports.js';
// --- end data ---

/** Every repository, built over one database by `createRepositories` in src/db/repositories. */
export interface Repositories {
  transactions: TransactionRunner;
  // --- core ---
  answers: AnswersRepository;
  cases: CasesRepository;
  contacts: ContactsRepository;
  conversations: ConversationsRepository;
  escalations: EscalationsRepository;
  inbound: InboundRepository;
  messages: MessagesRepository;
  outbox: OutboxRepository;
  timers: TimersRepository;
  whatsappAuth: WhatsAppAuthRepository;
  // --- end core ---
  // --- data ---
  users: UserRepository;
  sessions: SessionRepository;
  apiTokens: ApiTokenRepository;
  loginFailures: LoginFailureRepository;
  access: AccessRepository;
  audit: AuditRepository;
  consent: ConsentRepository;
  flowVersions: FlowVersionRepository;
  contactRegistry: ContactRegistryRepository;
  contactInvites: ContactInvitesRepository;
  reports: ReportRepository;
  demo: DemoRepository;
  inbox: InboxRepository;
  inboxReads: InboxReadsRepository;
  privacy: PrivacyRepository;
  monitoring: MonitoringRepository;
  followUpReports: FollowUpReportRepository;
  conversationDirectory: ConversationDirectoryRepository;
  // --- end data ---
}
