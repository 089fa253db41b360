import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * "Who owns a conversation" changes only through `transition` (src/domain/ownership.ts), applied by
 * services/change-ownership.ts and written by one repository method. This scans the product source for any other SQL or
 * drizzle write of the `owner` column, so a shortcut (`UPDATE conversations SET owner = 'closed'`) fails here.
 */
const src = fileURLToPath(new URL('../../src', import.meta.url));
/** The one statement allowed to write the column: `ConversationsRepository.writeOwnership`. */
const HOME = 'db/repositories/conversations-repository.ts';
/** Tooling that seeds benchmark databases row by row; it is moving out of src/ (issue 10) and is not the product. */
const TOOLING = /^bench\//;

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : name.endsWith('.ts') ? [full] : [];
  });
}

const WRITES: [string, RegExp][] = [
  ['SQL UPDATE of owner', /UPDATE\s+conversations\s+SET[^;`]*?\bowner\s*=/gi],
  ['SQL INSERT naming owner', /INSERT\s+(?:OR\s+\w+\s+)?INTO\s+conversations\s*\([^)]*\bowner\b/gi],
  ['drizzle set({ owner })', /\.set\(\s*\{[^}]*\bowner\s*:/g],
  ['drizzle insert(conversations).values({ owner })', /insert\(\s*(?:schema\.)?conversations\s*\)\s*\.values\(\s*[[{][^;]*?\bowner\s*:/g],
];

/** Every write of the owner column in the source, as `file: kind`. */
function ownerWrites(): string[] {
  const found: string[] = [];
  for (const file of listFiles(src)) {
    const rel = path.relative(src, file).split(path.sep).join('/');
    if (TOOLING.test(rel)) continue;
    const text = readFileSync(file, 'utf8');
    for (const [kind, pattern] of WRITES) for (const _ of text.matchAll(pattern)) found.push(`${rel}: ${kind}`);
  }
  return found;
}

describe('conversation ownership', () => {
  it('is written by exactly one repository statement, the one the transition function is applied through', () => {
    expect(ownerWrites()).toEqual([`${HOME}: SQL UPDATE of owner`]);
  });

  it('would catch a direct write elsewhere', () => {
    const sample = "db.$client.prepare(`UPDATE conversations SET state = ?, owner = 'closed' WHERE id = ?`)";
    expect(sample.match(WRITES[0]![1])).not.toBeNull();
    expect('db.update(schema.conversations).set({ owner: next.owner })'.match(WRITES[2]![1])).not.toBeNull();
  });
});
