import type { FastifyInstance } from 'fastify';
import type pino from 'pino';
import type { FakePlatform } from '../channels/fake/index.js';
import type { Config } from '../config/index.js';
import type { Db } from '../db/index.js';
import type { Repositories } from '../domain/repositories/index.js';
import type { FlowStepOption } from '../services/inbox/index.js';
import type { FlowRegistry } from '../services/flow-registry.js';
import type { LiveBus } from '../domain/live-events.js';
import type { CannedReplies } from '../domain/canned-replies.js';
import type { PipelinePort } from '../domain/pipeline-port.js';
import type { MonitoringActions } from '../services/monitoring/index.js';
import type { LiveStreams } from './live-stream.js';

/** What the web server needs from the rest of the system. */
export interface WebDeps {
  config: Config;
  db: Db;
  logger: pino.Logger;
  live: LiveBus;
  pipeline: PipelinePort;
  /** The fake channel's platform, for the patient-phone page (shown when `config.patientPhonePage` is on). */
  fakePlatform?: FakePlatform;
  /** Routes registered after the auth decorators exist (the REST API, /healthz, /metrics, /admin/queues). */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
  clock?: () => number;
  /** The ask/collect steps of a flow version, for "hand back at step"; default: read `flow_versions`. */
  flowSteps?: (flowId: string, version: number) => FlowStepOption[] | Promise<FlowStepOption[]>;
  cannedReplies?: CannedReplies;
  /** Login attempts per IP per minute (default 20). */
  loginRateLimit?: number;
  /** Live-stream heartbeat (default 15 s). */
  heartbeatMs?: number;
  /** Browser reconnect delay after a dropped stream (default 2 s). */
  reconnectMs?: number;
  /** The process's flow registry, so a publish from the editor refreshes the pipeline's "latest" cache; default: a new one. */
  flows?: FlowRegistry;
  /** A Telegram deep link for a start code (absent without a Telegram channel). */
  deepLink?: (code: string) => Promise<string>;
  /** Start outreach (write first) to these cases; absent when no outreach channel is configured. */
  outreach?: (caseIds: number[]) => Promise<void>;
  /** Start outreach on its own right after an import (config OUTREACH_ON_CREATE). */
  outreachOnCreate?: boolean;
  /** Following contacts (issue 16): staff actions with effects after their commit (a tracer's test result). */
  monitoring?: MonitoringActions;
}

/** The dependencies with defaults filled in, shared by every route module. */
export interface WebContext extends Required<Omit<WebDeps, 'fakePlatform' | 'plugins' | 'deepLink' | 'outreach' | 'monitoring'>> {
  monitoring: WebDeps['monitoring'];
  fakePlatform: FakePlatform | undefined;
  deepLink: WebDeps['deepLink'];
  outreach: WebDeps['outreach'];
  streams: LiveStreams;
  /** The repositories over `db`, built once for every route module. */
  repos: Repositories;
}
