import { parseArgs } from 'node:util';
import { createRepositories, type Db } from '../db/index.js';
import { createUser, findUserByEmail, listUsers, resetPassword, ROLES, updateUser, type UserRole } from '../services/accounts/index.js';

export interface UsersCommandDeps {
  db: Db;
  now: number;
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}

const usage = `usage: npm run cli -- users <command>
  add --role tracer|coordinator|admin <email> [--name NAME] [--lang id|en] [--max-chats N]
                                   create an account; prints a one-time password (changed at first login)
  list                             list accounts
  reset-password <email>           new one-time password; ends the account's sessions
  deactivate <email>               block logins and end sessions
  activate <email>                 allow logins again`;

/** `users ...` sub-commands; returns the process exit code (0 ok, 1 refused, 2 usage). */
export async function runUsersCommand(args: string[], deps: UsersCommandDeps): Promise<number> {
  const repos = createRepositories(deps.db);
  const [sub, ...rest] = args;
  const actor = { id: null, ip: null };
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { role: { type: 'string' }, name: { type: 'string' }, lang: { type: 'string' }, 'max-chats': { type: 'string' } },
    });
  } catch (e) {
    deps.err.write(`${(e as Error).message}\n${usage}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const email = positionals[0];
  switch (sub) {
    case 'add': {
      const role = values.role as UserRole | undefined;
      if (!email || !role || !ROLES.includes(role)) {
        deps.err.write(`${usage}\n`);
        return 2;
      }
      const language = values.lang === 'en' ? 'en' : 'id';
      const res = await createUser(repos, { email, name: values.name, role, language, maxChats: values['max-chats'] ? Number(values['max-chats']) : 5 }, actor, deps.now);
      if (!res.ok) {
        deps.err.write(res.error === 'email_taken' ? `an account for ${email} already exists\n` : `invalid: ${res.detail ?? ''}\n`);
        return 1;
      }
      deps.out.write(`created ${res.user.role} ${res.user.email} (id ${res.user.id})\none-time password (shown once; must be changed at first login):\n${res.password}\n`);
      return 0;
    }
    case 'list': {
      for (const u of listUsers(repos)) {
        deps.out.write(`${u.id}\t${u.email}\t${u.role}\t${u.active ? 'active' : 'inactive'}\t${u.name}\n`);
      }
      return 0;
    }
    case 'reset-password':
    case 'deactivate':
    case 'activate': {
      const user = email ? findUserByEmail(repos, email) : undefined;
      if (!user) {
        deps.err.write(email ? `no account for ${email}\n` : `${usage}\n`);
        return email ? 1 : 2;
      }
      if (sub === 'reset-password') {
        const password = await resetPassword(repos, user.id, actor, deps.now);
        deps.out.write(`new one-time password for ${user.email}:\n${password}\n`);
      } else {
        updateUser(repos, user.id, { active: sub === 'activate' }, actor, deps.now);
        deps.out.write(`${user.email} ${sub}d\n`);
      }
      return 0;
    }
    default:
      deps.err.write(`${usage}\n`);
      return sub ? 2 : 0;
  }
}
