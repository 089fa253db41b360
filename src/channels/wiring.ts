/**
 * Registers the real channel adapters with the system (imported by main). Each adapter module stays the only importer of its
 * library; this file only connects config to factories.
 */
export {};
