/**
 * Helper process: seed the scale database, so the web server's process starts with an RSS of its own (loading a million rows
 * leaves a heap the server would otherwise carry). Receives `{ type: 'seed', file, size, flowsDir, now }`, answers
 * `{ type: 'seeded', result }` and exits.
 */
import { z } from 'zod';
import { seedScaleDb } from './seed.js';
import { scaleSize } from './sizes.js';

const SeedRequest = z.object({ type: z.literal('seed'), file: z.string(), size: z.enum(['full', 'small']), flowsDir: z.string(), now: z.number() });

process.once('message', (raw: unknown) => {
  const req = SeedRequest.parse(raw);
  seedScaleDb(req.file, scaleSize(req.size), { flowsDir: req.flowsDir, now: req.now }).then(
    (result) => process.send!({ type: 'seeded', result }, () => process.exit(0)),
    (e: unknown) => process.send!({ type: 'error', message: e instanceof Error ? e.stack ?? e.message : String(e) }, () => process.exit(1)),
  );
});
