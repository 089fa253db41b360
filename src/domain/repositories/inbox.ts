import type { EscalationRecord } from './escalations.js';
/** The tracers' inbox: the queue, transcripts, and the rows a tracer's actions change (interface only; SQLite in src/db). */

export type QueueView = 'mine' | 'unassigned' | 'all';
export type QueueStatus = 'active' | 'open' | 'pending' | 'resolved';

export interface QueueFilter {
  view: QueueView;
  status: QueueStatus;
  userId: number;
  limit?: number;
  /** Only chats of these areas (plus those without a known area and those the user holds); null/absent: every area. */
  areas?: readonly string[] | null;
  /** Part of the patient's name, phone, case number or chat id (case-insensitive). */
  search?: string;
}

/** What a queue card shows under the name: the newest message (notes left out). */
export interface QueuePreview {
  conversationId: number;
  text: string | null;
  kind: string;
  direction: 'in' | 'out';
  createdAt: number;
}

export interface QueueItem {
  escalationId: number;
  conversationId: number;
  reason: string;
  detail: string | null;
  priority: 'normal' | 'high' | 'urgent';
  status: 'open' | 'pending' | 'resolved';
  outcome: string | null;
  channel: 'telegram' | 'whatsapp' | 'fake';
  patientName: string | null;
  channelUserId: string;
  assigneeId: number | null;
  assigneeName: string | null;
  waitingSince: number;
  resolvedAt: number | null;
  lastInboundAt: number | null;
  lastOutboundAt: number | null;
}

export interface TranscriptMessage {
  id: number;
  direction: 'in' | 'out' | 'note';
  sender: 'patient' | 'bot' | 'tracer' | 'system';
  authorName: string | null;
  kind: string;
  text: string | null;
  payload: string | null;
  status: 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed';
  stepId: string | null;
  createdAt: number;
}

/** A saved answer with who last corrected it; `value` is JSON text. */
export interface InboxAnswerRow {
  key: string;
  value: string;
  stepId: string | null;
  updatedByName: string | null;
  updatedAt: number;
}

export interface ExposureView {
  exposureId: number;
  contactId: number;
  name: string;
  phone: string | null;
  area: string | null;
  hasSymptoms: boolean | null;
  setting: string | null;
  lastContactDate: string | null;
}

/** An exposures row, as a tracer's correction reads it. */
export interface ExposureRecord {
  id: number;
  caseId: number;
  contactId: number;
  conversationId: number | null;
  setting: string | null;
  lastContactDate: string | null;
  hasSymptoms: boolean | null;
  notes: string | null;
  sourceKey: string | null;
  createdAt: number;
  updatedAt: number;
}

/** A contacts row, as a tracer's correction reads it. */
export interface ContactRecord {
  id: number;
  name: string;
  phone: string | null;
  area: string | null;
  hasSymptoms: boolean | null;
  mergedIntoId: number | null;
  createdAt: number;
  updatedAt: number;
}

/** A tracer's message in the transcript: a reply (queued for delivery) or an internal note. */
export interface NewTracerMessage {
  conversationId: number;
  direction: 'out' | 'note';
  authorId: number;
  kind: 'text' | 'note';
  text: string;
  channel: 'telegram' | 'whatsapp' | 'fake';
  status: 'queued' | 'sent';
  now: number;
}

/** An escalations row (the inbox reads the same record the escalation rule writes). */
export type InboxEscalation = EscalationRecord;

export interface InboxRepository {
  // queue and transcript
  /** The queue page for a filter: urgent/high first then longest waiting (resolved: most recent first). */
  queue(f: QueueFilter): QueueItem[];
  /** Chats waiting for anyone, and pending chats the user holds. */
  queueCounts(userId: number, areas?: readonly string[] | null): { unassigned: number; mine: number };
  /** The newest `limit` messages of a conversation, newest first. */
  newestMessages(conversationId: number, limit: number): TranscriptMessage[];
  /** The conversation's newest escalation, resolved or not. */
  lastEscalation(conversationId: number): InboxEscalation | undefined;
  answersOf(conversationId: number): InboxAnswerRow[];
  /** Exposures recorded in the conversation, or for its case. */
  exposuresOf(conversationId: number, caseId: number | null): ExposureView[];
  // claims
  /** Pending escalations assigned to the user. */
  activeChatCount(userId: number): number;
  /** The most urgent, longest-waiting open unassigned escalation. */
  nextUnassigned(scope?: { areas: readonly string[]; userId: number } | null): { id: number; conversationId: number } | undefined;
  /** The escalation is now pending with this assignee. */
  assignEscalation(id: number, assigneeId: number, now: number): void;
  /** Back in the queue: open, unassigned. */
  unassignEscalation(id: number, now: number): void;
  resolveEscalation(id: number, outcome: string, assigneeId: number | null, now: number): void;
  // corrections
  answer(conversationId: number, key: string): { id: number; value: string } | undefined;
  updateAnswer(id: number, value: string, updatedBy: number, now: number): void;
  /** Bump the conversation's revision (live views refresh), optionally replacing its engine state or last outbound time. */
  touchConversation(id: number, now: number, set?: { state?: string; lastOutboundAt?: number }): void;
  /** The exposure if it belongs to the conversation (or to its case). */
  exposureIn(exposureId: number, conversationId: number, caseId: number | null): ExposureRecord | undefined;
  contact(id: number): ContactRecord | undefined;
  /** The active (not merged) contact with this phone. */
  activeContactIdByPhone(phone: string): number | undefined;
  updateContact(id: number, set: Partial<Pick<ContactRecord, 'name' | 'phone' | 'area' | 'hasSymptoms'>>, now: number): void;
  updateExposure(id: number, set: Partial<Pick<ExposureRecord, 'setting' | 'lastContactDate' | 'hasSymptoms'>>, now: number): void;
  // messages
  insertMessage(m: NewTracerMessage): number;
  /** The newest message of each conversation (notes left out). */
  previews(conversationIds: number[]): QueuePreview[];
}
