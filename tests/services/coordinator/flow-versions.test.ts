import { readFileSync } from 'node:fs';
import { createRepositories } from '../../../src/db/index.js';
import { describe, expect, it } from 'vitest';
import { FlowRegistry } from '../../../src/services/flow-registry.js';
import {
  diffVersions,
  discardDraft,
  exportVersionYaml,
  getDraft,
  lineDiff,
  listFlows,
  listVersions,
  publishDraft,
  rollback,
  saveDraft,
} from '../../../src/services/coordinator/index.js';
import { insertUser } from './support.js';
import { tempDb } from '../../support/temp-db.js';

const V1 = readFileSync(new URL('../../../flows/case-interview.yaml', import.meta.url), 'utf8');
const V2 = V1.replace('Apakah Anda bersedia menjawab beberapa pertanyaan sekarang?', 'Bersediakah Anda menjawab beberapa pertanyaan?');
const T0 = Date.parse('2026-03-10T03:00:00Z');

describe('line diff', () => {
  it('shows removed before added lines, with line numbers on each side', () => {
    expect(lineDiff('a\nb\nc\n', 'a\nx\nc\nd\n')).toEqual([
      { op: ' ', text: 'a', oldLine: 1, newLine: 1 },
      { op: '-', text: 'b', oldLine: 2, newLine: null },
      { op: '+', text: 'x', oldLine: null, newLine: 2 },
      { op: ' ', text: 'c', oldLine: 3, newLine: 3 },
      { op: '+', text: 'd', oldLine: null, newLine: 4 },
    ]);
    expect(lineDiff('', 'a')).toEqual([{ op: '+', text: 'a', oldLine: null, newLine: 1 }]);
    expect(lineDiff('same\r\n', 'same\n')).toEqual([{ op: ' ', text: 'same', oldLine: 1, newLine: 1 }]);
  });

  it('keeps the common lines of two edits far apart', () => {
    const a = Array.from({ length: 500 }, (_, i) => `line ${i}`);
    const b = [...a];
    b[10] = 'changed 10';
    b.splice(400, 1);
    const d = lineDiff(a.join('\n'), b.join('\n'));
    expect(d.filter((l) => l.op !== ' ').map((l) => `${l.op}${l.text}`)).toEqual(['-line 10', '+changed 10', '-line 400']);
  });
});

describe('flow versions', () => {
  it('saves an invalid draft with its problems on the right line, then publishes the fixed draft as a new version', () => {
    const { db } = tempDb();
    const repos = createRepositories(db);
    const registry = new FlowRegistry(repos);
    const coordinator = insertUser(db, { name: 'Citra', role: 'coordinator' });
    expect(registry.publish(V1, 'flows/case-interview.yaml', { origin: 'file:case-interview.yaml', now: T0 })).toMatchObject({ ok: true, version: 1 });

    const broken = V2.replace('    answer: { type: yes_no }\n', '    answer: { type: yes_no }\n    nxt: identity_check\n');
    const lineOfMistake = broken.split('\n').findIndex((l) => l.includes('nxt: identity_check')) + 1;
    const draft = saveDraft(repos, 'case-interview', broken, { userId: coordinator, now: T0 + 1000 });
    expect(draft.valid).toBe(false);
    expect(draft.problems[0]).toMatchObject({ file: 'case-interview.yaml', line: lineOfMistake, severity: 'error', message: expect.stringMatching(/nxt.*did you mean 'next'/) });
    expect(draft.savedByName).toBe('Citra');
    expect(publishDraft(repos, registry, 'case-interview', { userId: coordinator, now: T0 + 2000 })).toMatchObject({ ok: false, error: 'invalid' });
    expect(registry.latest('case-interview')!.version).toBe(1);

    expect(saveDraft(repos, 'case-interview', V2, { userId: coordinator, now: T0 + 3000 })).toMatchObject({ valid: true, problems: [] });
    expect(listFlows(repos)).toEqual([{ flowId: 'case-interview', latestVersion: 1, latestPublishedAt: T0, hasDraft: true }]);
    expect(publishDraft(repos, registry, 'case-interview', { userId: coordinator, now: T0 + 4000 })).toEqual({ ok: true, version: 2, changed: true });
    expect(getDraft(repos, 'case-interview')).toBeUndefined();
    // New conversations take v2; a conversation that started on v1 still finds v1.
    expect(registry.latest('case-interview')!.version).toBe(2);
    expect(registry.get('case-interview', 1)).toBeDefined();
    expect(listVersions(repos, 'case-interview')).toEqual([
      { version: 2, status: 'published', publishedBy: coordinator, publishedByName: 'Citra', publishedAt: T0 + 4000, origin: 'editor', sha256: expect.any(String) },
      { version: 1, status: 'published', publishedBy: null, publishedByName: null, publishedAt: T0, origin: 'file:case-interview.yaml', sha256: expect.any(String) },
    ]);
    expect(db.$client.prepare(`SELECT action, entity_id AS flowId FROM audit_log`).all()).toEqual([{ action: 'flow.publish', flowId: 'case-interview' }]);

    const diff = diffVersions(repos, 'case-interview', 1, 2)!;
    expect(diff.lines.filter((l) => l.op !== ' ').map((l) => l.op + l.text.trim())).toEqual([
      '-kebijakan penyimpanan data. Apakah Anda bersedia menjawab beberapa pertanyaan sekarang?',
      '+kebijakan penyimpanan data. Bersediakah Anda menjawab beberapa pertanyaan?',
    ]);
    expect(diffVersions(repos, 'case-interview', 1, 9)).toBeUndefined();
  });

  it('rolls back by publishing the old source as a new version, and exports any version as YAML', () => {
    const { db } = tempDb();
    const repos = createRepositories(db);
    const registry = new FlowRegistry(repos);
    registry.publish(V1, 'x.yaml', { origin: 'file:case-interview.yaml', now: T0 });
    registry.publish(V2, 'x.yaml', { origin: 'editor', now: T0 + 1 });
    expect(rollback(repos, registry, 'case-interview', 1, { userId: null, now: T0 + 2 })).toEqual({ ok: true, version: 3, changed: true });
    expect(rollback(repos, registry, 'case-interview', 3, { userId: null, now: T0 + 3 })).toEqual({ ok: true, version: 3, changed: false });
    expect(rollback(repos, registry, 'case-interview', 7, { userId: null, now: T0 + 4 })).toEqual({ ok: false, error: 'not_found' });
    expect(listVersions(repos, 'case-interview').map((v) => [v.version, v.origin])).toEqual([
      [3, 'rollback:1'],
      [2, 'editor'],
      [1, 'file:case-interview.yaml'],
    ]);
    expect(exportVersionYaml(repos, 'case-interview', 3)).toEqual({ filename: 'case-interview.v3.yaml', source: V1 });
    expect(exportVersionYaml(repos, 'case-interview', 0)).toBeUndefined();
  });

  it("refuses a draft whose id is another flow's, and can discard a draft", () => {
    const { db } = tempDb();
    const repos = createRepositories(db);
    const draft = saveDraft(repos, 'other-flow', V1, { userId: null, now: T0 });
    expect(draft.valid).toBe(false);
    expect(draft.problems[0]!.message).toMatch(/id is 'case-interview' but this is the editor of 'other-flow'/);
    expect(discardDraft(repos, 'other-flow')).toBe(true);
    expect(getDraft(repos, 'other-flow')).toBeUndefined();
    expect(publishDraft(repos, new FlowRegistry(repos), 'other-flow', { userId: null, now: T0 })).toEqual({ ok: false, error: 'no_draft' });
  });
});
