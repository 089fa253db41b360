/**
 * The environment of a process this one starts on the same configuration (a supervised worker): ours, `.env` included once
 * loadConfig ran, with `overrides` laid over it. Lives here because only the config module reads the environment.
 */
export function childEnvironment(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}
