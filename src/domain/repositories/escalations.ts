/** How urgently a person is needed. */
export type EscalationPriority = 'normal' | 'high' | 'urgent';
/** open = waiting in the queue, pending = a tracer has it, resolved. */
export type EscalationStatus = 'open' | 'pending' | 'resolved';

/** An escalations row. */
export interface EscalationRecord {
  id: number;
  conversationId: number;
  reason: string;
  detail: string | null;
  priority: EscalationPriority;
  status: EscalationStatus;
  assigneeId: number | null;
  stepId: string | null;
  outcome: string | null;
  waitingSince: number;
  claimedAt: number | null;
  resolvedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface NewEscalation {
  conversationId: number;
  reason: string;
  detail: string | null;
  priority: EscalationPriority;
  status: 'open' | 'pending';
  assigneeId: number | null;
  claimedAt: number | null;
  stepId: string | null;
  now: number;
}

/** Requests for a person. Created only through services/escalations.ts. */
export interface EscalationsRepository {
  /** The conversation's escalation that is open or pending (at most one is). */
  active(conversationId: number): EscalationRecord | undefined;
  /** Returns the new id. */
  insert(e: NewEscalation): number;
  setPriority(id: number, priority: EscalationPriority, now: number): void;
}
