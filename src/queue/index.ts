// The queue folder's public surface for code outside src (the benchmark); the composition root builds the pipeline itself.
export { redisConnection } from './connection.js';
