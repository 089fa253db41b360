// Runtime helpers (TCP ports, seeded randomness, Redis at start-up, the worker supervisor) for main and for code outside src.
export { freePort, portAnswers, waitForPort } from './tcp-ports.js';
export { prng } from './prng.js';
export { PortInUseError, assertPortFree } from './port-check.js';
export { persistedSessionSecret } from './session-secret.js';
export { startBanner, type BannerFacts } from './start-banner.js';
export { createLogger } from './logger.js';
export { ensureRedis, RedisUnavailableError, type RedisHandle } from './redis-bootstrap.js';
export { Supervisor, WorkerStartError, type SupervisorEvent, type SupervisorOptions } from './supervisor.js';
