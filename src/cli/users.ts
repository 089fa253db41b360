import { parseArgs } from 'node:util';
import { createRepositories, type Db } from '../db/index.js';
import { parseAreaList } from '../domain/areas.js';
import { createUser, disableTwoFactor, findUserByEmail, listUsers, resetPassword, ROLES, updateUser, type UserRole } from '../services/accounts/index.js';

export interface UsersCommandDeps {
  db: Db;
  now: number;
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}

const usage = `usage: npm run cli -- users <command>
  add --role tracer|coordinator|admin <email> [--name NAME] [--lang id|en] [--max-chats N] [--area CODE[,CODE]]
                                   create an account; prints a one-time password (changed at first login)
  list                             list accounts (with their areas and two-step sign-in)
  areas <email> --area CODE[,CODE] set the account's areas (--area '' removes them)
  reset-password <email>           new one-time password; ends the account's sessions and lifts its sign-in delay
  two-factor-off <email>           turn off two-step sign-in (a lost phone); an admin sets it up again at next sign-in
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
      options: { role: { type: 'string' }, name: { type: 'string' }, lang: { type: 'string' }, 'max-chats': { type: 'string' }, area: { type: 'string' } },
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
      const res = await createUser(repos, { email, name: values.name, role, language, maxChats: values['max-chats'] ? Number(values['max-chats']) : 5, areas: values.area ?? '' }, actor, deps.now);
      if (!res.ok) {
        deps.err.write(res.error === 'email_taken' ? `an account for ${email} already exists\n` : `invalid: ${res.detail ?? ''}\n`);
        return 1;
      }
      deps.out.write(`created ${res.user.role} ${res.user.email} (id ${res.user.id})${res.user.areas.length ? ` in ${res.user.areas.join(', ')}` : ''}\none-time password (shown once; must be changed at first login):\n${res.password}\n`);
      return 0;
    }
    case 'list': {
      for (const u of listUsers(repos)) {
        deps.out.write(`${u.id}\t${u.email}\t${u.role}\t${u.active ? 'active' : 'inactive'}\t${u.areas.join(',') || 'all areas'}\t${u.totpSecret ? '2fa' : 'no-2fa'}\t${u.name}\n`);
      }
      return 0;
    }
    case 'areas':
    case 'two-factor-off':
    case 'reset-password':
    case 'deactivate':
    case 'activate': {
      const user = email ? findUserByEmail(repos, email) : undefined;
      if (!user) {
        deps.err.write(email ? `no account for ${email}\n` : `${usage}\n`);
        return email ? 1 : 2;
      }
      if (sub === 'areas') {
        if (values.area === undefined) {
          deps.err.write(`${usage}\n`);
          return 2;
        }
        const areas = parseAreaList(values.area);
        if (areas.unknown.length) {
          deps.err.write(`unknown area: ${areas.unknown.join(', ')} (codes such as 31.74 or 31.74.tebet; see README "Areas")\n`);
          return 1;
        }
        updateUser(repos, user.id, { areas: areas.codes }, actor, deps.now);
        deps.out.write(`${user.email}: ${areas.codes.join(', ') || 'no area'}\n`);
      } else if (sub === 'two-factor-off') {
        disableTwoFactor(repos, user.id, actor, deps.now);
        deps.out.write(`two-step sign-in turned off for ${user.email}\n`);
      } else if (sub === 'reset-password') {
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
