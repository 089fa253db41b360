import type { Repositories, UserRecord } from '../../domain/repositories/index.js';

/** The demo's own accounts live under this reserved domain (`.invalid` is never a real address), so they are recognisable. */
export const DEMO_EMAIL_DOMAIN = 'demo.tracebot.invalid';

const DEMO_TRACERS = [
  { name: 'Ani (demo)', email: `ani@${DEMO_EMAIL_DOMAIN}` },
  { name: 'Bayu (demo)', email: `bayu@${DEMO_EMAIL_DOMAIN}` },
  { name: 'Citra (demo)', email: `citra@${DEMO_EMAIL_DOMAIN}` },
];

/** Not a scrypt hash: nobody can log in as a demo tracer. */
const NO_PASSWORD = 'demo-account-without-password';

const isDemoUser = (u: Pick<UserRecord, 'email'>) => u.email.endsWith(`@${DEMO_EMAIL_DOMAIN}`);

/**
 * Why the demo must not run on this database, or undefined when it holds nothing but what a demo created (its own
 * accounts): synthetic chats and audit lines must never be written under real accounts or next to real cases.
 */
export function demoRefusal(repos: Pick<Repositories, 'users' | 'cases' | 'conversationDirectory'>): string | undefined {
  const users = repos.users.list().filter((u) => !isDemoUser(u)).length;
  const cases = repos.cases.count();
  const chats = repos.conversationDirectory.search({ limit: 1 }).length;
  if (users === 0 && cases === 0 && chats === 0) return undefined;
  const held = [users ? `${users} user account(s)` : '', cases ? `${cases} case(s)` : '', chats ? 'chats' : ''].filter(Boolean).join(', ');
  return (
    `the database already holds ${held}; the demo only fills a database with nothing in it, so made-up chats never mix ` +
    `with real people or accounts. For a separate demo database run DATA_DIR=data-demo npm run cli -- demo (then ` +
    `DATA_DIR=data-demo npm start). A running server may stay running.`
  );
}

/** The demo's tracers (created on first use): they claim and resolve the synthetic escalations so the inbox looks alive. */
export function demoTracers(repos: Pick<Repositories, 'users'>, now: number): { id: number; role: 'tracer' }[] {
  return DEMO_TRACERS.map((t) => {
    const u = repos.users.findByEmail(t.email) ?? repos.users.insert({ ...t, role: 'tracer', passwordHash: NO_PASSWORD, mustChangePassword: false, language: 'id', maxChats: 50, createdAt: now, updatedAt: now });
    return { id: u.id, role: 'tracer' as const };
  });
}
