// Privacy (issue 17): retention, a person's export and erasure, and the queue port erasure uses.
export { confirmErasure, ERASURE_CONFIRM_MS, jobRefsOf, requestErasure, type ErasureRefusal, type ErasureResult, type ErasureStores, type PrivacyActor } from './erasure.js';
export { RETENTION_BATCH, RETENTION_JOB, runRetention, runRetentionIfDue, type RetentionReport, type RetentionStores } from './retention.js';
export { RETENTION_CHECK_EVERY_MS, startRetentionSchedule } from './schedule.js';
export type { SubjectJob, SubjectJobRefs, SubjectJobStore } from './subject-jobs.js';
export { chatIdsOfPhone, exportSubject, holdsPersonalData, lookupOf, parseSubject, subjectHash, type Subject, type SubjectExport, type SubjectStores } from './subject.js';
