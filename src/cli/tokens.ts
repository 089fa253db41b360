import { parseArgs } from 'node:util';
import { createRepositories, type Db } from '../db/index.js';
import { createApiToken } from '../services/api-tokens.js';
import { listApiTokens, revokeApiTokensByName } from '../services/accounts/index.js';

export interface TokensCommandDeps {
  db: Db;
  now: number;
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}

const usage = `usage: npm run cli -- tokens <command>
  create <name> [--role coordinator|admin]   create an API token (printed once; only its hash is stored)
  list                                       name, role, created, last used, revoked
  revoke <name>                              revoke every live token with this name`;

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

/** `tokens ...` sub-commands; returns the process exit code (0 ok, 1 refused, 2 usage). */
export function runTokensCommand(args: string[], deps: TokensCommandDeps): number {
  const repos = createRepositories(deps.db);
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { role: { type: 'string', default: 'coordinator' } } });
  } catch (e) {
    deps.err.write(`${(e as Error).message}\n${usage}\n`);
    return 2;
  }
  const [sub, name] = parsed.positionals;
  const role = parsed.values.role;
  switch (sub) {
    case 'create': {
      if (!name || (role !== 'coordinator' && role !== 'admin')) {
        deps.err.write(`${usage}\n`);
        return 2;
      }
      const { token } = createApiToken(repos, name, role, deps.now);
      deps.out.write(`API token for ${name} (${role}); store it now, it is not shown again:\n${token}\n`);
      return 0;
    }
    case 'list': {
      deps.out.write('name\trole\tcreated\tlast used\trevoked\n');
      for (const k of listApiTokens(repos)) deps.out.write(`${k.name}\t${k.role}\t${iso(k.createdAt)}\t${iso(k.lastUsedAt)}\t${iso(k.revokedAt)}\n`);
      return 0;
    }
    case 'revoke': {
      if (!name) {
        deps.err.write(`${usage}\n`);
        return 2;
      }
      const n = revokeApiTokensByName(repos, name, { id: null, ip: null }, deps.now);
      if (n === 0) {
        deps.err.write(`no live token named ${name}\n`);
        return 1;
      }
      deps.out.write(`revoked ${n} token${n === 1 ? '' : 's'} named ${name}\n`);
      return 0;
    }
    default:
      deps.err.write(`${usage}\n`);
      return sub ? 2 : 0;
  }
}
