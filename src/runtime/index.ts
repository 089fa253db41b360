// Runtime helpers (TCP ports, seeded randomness) that code outside src, such as the benchmark, may reuse.
export { freePort, portAnswers, waitForPort } from './tcp-ports.js';
export { prng } from './prng.js';
export { PortInUseError, assertPortFree } from './port-check.js';
export { persistedSessionSecret } from './session-secret.js';
export { startBanner, type BannerFacts } from './start-banner.js';
