import type { TimersRepository } from '../../domain/repositories/timers.js';
import type { ConversationService } from './conversation-service.js';
import type { TurnOutcome } from './turn-outcome.js';

/** What running the due timers did. */
export interface DueTimersReport {
  fired: number;
  /** Outbox rows written (replies and events); a running worker's outbox sweeper dispatches them. */
  outboxIds: number[];
  outcomes: TurnOutcome[];
}

/**
 * Fire every stored timer due at or before `at`, as if the clock read `at` (tests and demos replay a day without waiting).
 * Each runs the same turn a Redis timer job would; firing one twice has one effect (the turn re-checks the due time).
 */
export function runDueTimers(timers: TimersRepository, conversations: ConversationService, at: number, limit = 10_000): DueTimersReport {
  const report: DueTimersReport = { fired: 0, outboxIds: [], outcomes: [] };
  while (report.fired < limit) {
    const due = timers.pendingDueBy(at, Math.min(500, limit - report.fired));
    if (!due.length) break;
    for (const t of due) {
      const outcome = conversations.handle({ type: 'timer', timer: t.kind, conversationId: t.conversationId, id: `due-${t.kind}-${t.conversationId}-${at}`, enqueuedAt: at }, at);
      report.fired++;
      report.outboxIds.push(...outcome.outboxIds);
      report.outcomes.push(outcome);
    }
  }
  return report;
}
