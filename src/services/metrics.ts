import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process; `/metrics` serves `registry`. */
export interface Metrics {
  registry: Registry;
  jobsProcessed: Counter<'queue'>;
  jobsFailed: Counter<'queue'>;
  inboundToOutbound: Histogram;
  queueDepth: Gauge<'queue' | 'state'>;
  messagesIn: Counter<'channel'>;
  messagesOut: Counter<'channel' | 'result'>;
}

/** Create a fresh registry with tracebot's metrics (a fresh one per system, so tests do not share counters). */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tracebot_process_' });
  return {
    registry,
    jobsProcessed: new Counter({ name: 'tracebot_jobs_processed_total', help: 'Jobs completed, by queue', labelNames: ['queue'], registers: [registry] }),
    jobsFailed: new Counter({ name: 'tracebot_jobs_failed_total', help: 'Job attempts that failed, by queue', labelNames: ['queue'], registers: [registry] }),
    inboundToOutbound: new Histogram({
      name: 'tracebot_inbound_to_outbound_seconds',
      help: 'From a patient message entering the pipeline to the reply handed to the channel',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    queueDepth: new Gauge({ name: 'tracebot_queue_jobs', help: 'Jobs per queue and state', labelNames: ['queue', 'state'], registers: [registry] }),
    messagesIn: new Counter({ name: 'tracebot_messages_in_total', help: 'Patient messages enqueued', labelNames: ['channel'], registers: [registry] }),
    messagesOut: new Counter({ name: 'tracebot_messages_out_total', help: 'Replies sent', labelNames: ['channel', 'result'], registers: [registry] }),
  };
}
