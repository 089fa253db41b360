import type { Repositories, TransactionRunner } from '../../domain/repositories/index.js';
import { sqliteHandle, tx, type Db } from '../client.js';
import { PgClient } from '../postgres/pg-client.js';
// --- core ---
import { createAnswersRepository } from './answers-repository.js';
import { createCasesRepository } from './cases-repository.js';
import { createContactsRepository } from './contacts-repository.js';
import { createConversationsRepository } from './conversations-repository.js';
import { createEscalationsRepository } from './escalations-repository.js';
import { createInboundRepository } from './inbound-repository.js';
import { createMessagesRepository } from './messages-repository.js';
import { createOutboxRepository } from './outbox-repository.js';
import { createTimersRepository } from './timers-repository.js';
import { createWhatsAppAuthRepository } from './whatsapp-auth-repository.js';
// --- end core ---
// --- data ---
import { createApiTokenRepository, createLoginFailureRepository, createSessionRepository, createUserRepository } from './accounts-repository.js';
import { createAccessRepository } from './access-repository.js';
import { createAuditRepository } from './audit-repository.js';
import { createConsentRepository } from './consent-repository.js';
import { createContactInvitesRepository } from './contact-invites-repository.js';
import { createContactRegistryRepository } from './contact-registry-repository.js';
import { createConversationDirectoryRepository } from './conversation-directory-repository.js';
import { createDemoRepository } from './demo-repository.js';
import { createFlowVersionRepository } from './flow-versions-repository.js';
import { createInboxRepository } from './inbox-repository.js';
import { createInboxReadsRepository } from './inbox-reads-repository.js';
import { createPrivacyRepository } from './privacy-repository.js';
import { createReportRepository } from './reports-repository.js';
import { createMonitoringRepository } from './monitoring-repository.js';
import { createFollowUpReportRepository } from './follow-up-reports-repository.js';
// --- end data ---

/**
 * The transaction runner over one connection. better-sqlite3 and the PostgreSQL client nest a transaction function as a
 * SAVEPOINT when one is open; they differ only in how a write transaction begins without waiting for the lock.
 */
export function createTransactionRunner(db: Db): TransactionRunner {
  const c = db.$client;
  const tryBegin = c instanceof PgClient ? () => c.begin(true) : () => tryBeginImmediate(sqliteHandle(db));
  return {
    transaction: (fn) => (c.inTransaction ? fn() : tx(db, fn)),
    savepoint: (fn) => (c.inTransaction ? c.transaction(fn)() : tx(db, fn)),
    tryTransaction: (fn) => {
      if (c.inTransaction) return { value: fn() };
      if (!tryBegin()) return undefined;
      try {
        const value = fn();
        c.exec('COMMIT');
        return { value };
      } catch (error) {
        if (c.inTransaction) c.exec('ROLLBACK');
        throw error;
      }
    },
  };
}

/** BEGIN IMMEDIATE without the busy timeout: false when the write lock is held elsewhere. */
function tryBeginImmediate(c: ReturnType<typeof sqliteHandle>): boolean {
  const patience = c.pragma('busy_timeout', { simple: true }) as number;
  c.pragma('busy_timeout = 0');
  try {
    c.exec('BEGIN IMMEDIATE');
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') return false;
    throw error;
  } finally {
    c.pragma(`busy_timeout = ${patience}`);
  }
}

const byConnection = new WeakMap<Db, Repositories>();

/**
 * Every repository over one database (statements are prepared once per connection). Built once per connection and cached,
 * so web routes, the CLI and tests that each ask with the connection they hold share the same prepared statements.
 */
export function createRepositories(db: Db): Repositories {
  const cached = byConnection.get(db);
  if (cached) return cached;
  const repos: Repositories = {
    transactions: createTransactionRunner(db),
    // --- core ---
    answers: createAnswersRepository(db),
    cases: createCasesRepository(db),
    contacts: createContactsRepository(db),
    conversations: createConversationsRepository(db),
    escalations: createEscalationsRepository(db),
    inbound: createInboundRepository(db),
    messages: createMessagesRepository(db),
    outbox: createOutboxRepository(db),
    timers: createTimersRepository(db),
    whatsappAuth: createWhatsAppAuthRepository(db),
    // --- end core ---
    // --- data ---
    users: createUserRepository(db),
    sessions: createSessionRepository(db),
    apiTokens: createApiTokenRepository(db),
    loginFailures: createLoginFailureRepository(db),
    access: createAccessRepository(db),
    audit: createAuditRepository(db),
    consent: createConsentRepository(db),
    flowVersions: createFlowVersionRepository(db),
    contactRegistry: createContactRegistryRepository(db),
    contactInvites: createContactInvitesRepository(db),
    reports: createReportRepository(db),
    demo: createDemoRepository(db),
    inbox: createInboxRepository(db),
    inboxReads: createInboxReadsRepository(db),
    privacy: createPrivacyRepository(db),
    monitoring: createMonitoringRepository(db),
    followUpReports: createFollowUpReportRepository(db),
    conversationDirectory: createConversationDirectoryRepository(db),
    // --- end data ---
  };
  byConnection.set(db, repos);
  return repos;
}

// --- core ---
export {
  createAnswersRepository,
  createCasesRepository,
  createContactsRepository,
  createConversationsRepository,
  createEscalationsRepository,
  createInboundRepository,
  createMessagesRepository,
  createOutboxRepository,
  createTimersRepository,
  createWhatsAppAuthRepository,
};
// --- end core ---
