import type { FastifyInstance } from 'fastify';
import type pino from 'pino';
import type { FakePlatform } from '../channels/fake/index.js';
import type { Config } from '../config/index.js';
import type { Db } from '../db/index.js';
import type { FlowStepOption } from '../services/inbox/index.js';
import type { LiveBus } from '../services/live-bus.js';
import type { CannedReplies, PipelinePort } from '../services/ports.js';
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
}

/** The dependencies with defaults filled in, shared by every route module. */
export interface WebContext extends Required<Omit<WebDeps, 'fakePlatform' | 'plugins'>> {
  fakePlatform: FakePlatform | undefined;
  streams: LiveStreams;
}
