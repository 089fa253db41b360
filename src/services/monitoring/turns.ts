import type { MonitoringPolicy } from '../../domain/monitoring.js';
import type { MonitoringTurns } from '../turn/turn-deps.js';
import { applyRules } from './rules.js';
import { startRun } from './runs.js';

/** The loop's part of the conversation turn (TurnDeps.monitoring): opening contacts' runs and applying the rules. */
export function createMonitoringTurns(o: { policy(): MonitoringPolicy; startCodeTtlMs: number }): MonitoringTurns {
  return {
    start: (d, item, now) => startRun(d, o, item, now),
    afterTurn: (d, t, out) => applyRules(d, o, t, out),
  };
}
