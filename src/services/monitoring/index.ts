export { MonitoringFlowIds, firstName, runContext, type RunContext, type RunStage } from './context.js';
export { enrolExposure, enrolPending, type EnrolOutcome } from './enrol.js';
export { becomeCase, release, releaseReason } from './outcomes.js';
export { getMonitoringPolicy, updateMonitoringPolicy, type PolicyProblem } from './policy.js';
export { contactMonitoring, recordCallOutcome, recordTestResult, type ContactMonitoring, type MonitoringActions, type ResultActor, type TestResultOutcome } from './results.js';
export { reportsSymptoms } from './rules.js';
export { monitoringTick, REQUEUE_AFTER_MS, type TickReport, type TickStores } from './tick.js';
export { createMonitoringTurns } from './turns.js';
export { linkInviteChat } from './runs.js';
