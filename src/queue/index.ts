// The queue folder's public surface (composition root, benchmark).
export { redisConnection } from './connection.js';
export { createLiveBus, createMemoryLiveBus, type LiveBusOptions } from './live-bus.js';
export { Mailboxes } from './mailbox.js';
export { QueueNames, outboundQueueName } from './names.js';
export { Outreach, type NumberChecker, type OutreachOptions } from './outreach.js';
export { Pipeline, type OutboundLimits, type PipelineOptions } from './pipeline.js';
export { createRedisCoordination, RedisLease } from './redis-coordination.js';
export { MonitoringScheduler, type MonitoringSchedulerOptions } from './monitoring.js';
export { createSubjectJobStore } from './subject-jobs.js';
