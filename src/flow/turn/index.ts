/** One engine turn, split by responsibility; only the engine (`../engine.ts`) builds one. */
export { Turn } from './turn.js';
export type { ContactCard } from './collect-turn.js';
