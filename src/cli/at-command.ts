import { parseArgs } from 'node:util';

/** A sub-command run "as if the clock read" a moment: its name, that moment, and whether `--at` was given. */
export interface AtCommand<S extends string> {
  sub: S;
  at: number;
  atGiven: boolean;
}

/**
 * Parse `<sub> [--at ISO-TIME]` for the replay commands (`timers`, `monitoring`): one of `subs`, and the moment (default
 * `now`). On bad arguments it writes the usage to `err` and returns undefined (the caller exits 2).
 */
export function parseAtCommand<S extends string>(
  args: string[],
  subs: readonly S[],
  usage: string,
  now: number,
  err: { write(text: string): unknown },
): AtCommand<S> | undefined {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { at: { type: 'string' } } });
  } catch (e) {
    err.write(`${(e as Error).message}\n${usage}\n`);
    return undefined;
  }
  const [sub] = parsed.positionals;
  const at = parsed.values.at === undefined ? now : Date.parse(parsed.values.at);
  if (Number.isNaN(at) || !subs.includes(sub as S)) {
    err.write(`${usage}\n`);
    return undefined;
  }
  return { sub: sub as S, at, atGiven: parsed.values.at !== undefined };
}
