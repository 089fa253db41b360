/** What the start-up notice needs to know about the running system. */
export interface BannerFacts {
  address: string;
  /** The roles this process runs, e.g. "web, worker, channels". */
  roles: string;
  /** No account exists yet: the first thing to do is to create an admin. */
  noUsers: boolean;
  /** The fake-channel patient page is on. */
  phonePage: boolean;
}

/**
 * The short human notice printed after the JSON logs at start-up: where the app is and what to do next. Plain text for
 * a person at a terminal (logs stay JSON for machines).
 */
export function startBanner(f: BannerFacts): string {
  const steps = [
    ...(f.noUsers ? ['create an admin:   npm run cli -- users add --role admin you@example.org'] : []),
    `log in:            ${f.address}/login`,
    ...(f.phonePage ? [`be a patient:      ${f.address}/phone   (type "halo")`] : []),
    `coordinators:      ${f.address}/coord`,
  ];
  return ['', `tracebot is running (${f.roles}) at ${f.address}`, '', '  Next steps:', ...steps.map((s, i) => `    ${i + 1}. ${s}`), '  Stop with Ctrl+C.', ''].join('\n') + '\n';
}
