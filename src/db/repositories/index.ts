import type { Repositories, TransactionRunner } from '../../domain/repositories/index.js';
import { tx, type Db } from '../client.js';
// --- core ---
import { createAnswersRepository } from './answers-repository.js';
import { createCasesRepository } from './cases-repository.js';
import { createContactsRepository } from './contacts-repository.js';
import { createConversationsRepository } from './conversations-repository.js';
import { createEscalationsRepository } from './escalations-repository.js';
import { createMessagesRepository } from './messages-repository.js';
import { createOutboxRepository } from './outbox-repository.js';
import { createWhatsAppAuthRepository } from './whatsapp-auth-repository.js';
// --- end core ---

/** The SQLite transaction runner over one connection. */
export function createTransactionRunner(db: Db): TransactionRunner {
  return {
    transaction: (fn) => (db.$client.inTransaction ? fn() : tx(db, fn)),
  };
}

/** Every repository over one database (statements are prepared here, once). */
export function createRepositories(db: Db): Repositories {
  return {
    transactions: createTransactionRunner(db),
    // --- core ---
    answers: createAnswersRepository(db),
    cases: createCasesRepository(db),
    contacts: createContactsRepository(db),
    conversations: createConversationsRepository(db),
    escalations: createEscalationsRepository(db),
    messages: createMessagesRepository(db),
    outbox: createOutboxRepository(db),
    whatsappAuth: createWhatsAppAuthRepository(db),
    // --- end core ---
  };
}

// --- core ---
export {
  createAnswersRepository,
  createCasesRepository,
  createContactsRepository,
  createConversationsRepository,
  createEscalationsRepository,
  createMessagesRepository,
  createOutboxRepository,
  createWhatsAppAuthRepository,
};
// --- end core ---
