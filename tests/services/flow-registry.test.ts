import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRepositories } from '../../src/db/index.js';
import { FlowRegistry } from '../../src/services/flow-registry.js';
import { openTestDb } from '../support/test-db.js';

const source = readFileSync(new URL('../../flows/case-interview.yaml', import.meta.url), 'utf8');

describe('published flow versions', () => {
  it('publishes a changed file as a new version and leaves an unchanged one alone', () => {
    const db = openTestDb();
    const flows = new FlowRegistry(createRepositories(db));
    expect(flows.publish(source, 'case-interview.yaml', { origin: 'file', now: 1 })).toEqual({ ok: true, version: 1, changed: true });
    expect(flows.publish(source, 'case-interview.yaml', { origin: 'file', now: 2 })).toEqual({ ok: true, version: 1, changed: false });
    const edited = source.replace('Are you willing to answer a few questions now?', 'Can we ask you a few questions now?');
    expect(flows.publish(edited, 'case-interview.yaml', { origin: 'file', now: 3 })).toEqual({ ok: true, version: 2, changed: true });
    // Version 1 is still there, unchanged, for conversations that started on it.
    expect(JSON.stringify(flows.get('case-interview', 1))).toContain('Are you willing');
    expect(JSON.stringify(flows.get('case-interview', 2))).toContain('Can we ask you');
  });

  it('refuses a broken flow with its problems, so it never reaches a patient', () => {
    const flows = new FlowRegistry(createRepositories(openTestDb()));
    const r = flows.publish(source.replace('type: branch', 'type: brnch'), 'case-interview.yaml', { origin: 'file', now: 1 });
    expect(r.ok).toBe(false);
    expect(flows.latest('case-interview')).toBeUndefined();
  });

  it('sees a version another process published once its short cache expires', () => {
    const db = openTestDb();
    const repos = createRepositories(db);
    let now = 0;
    const worker = new FlowRegistry(repos, 2000, () => now);
    const editor = new FlowRegistry(repos, 2000, () => now);
    editor.publish(source, 'a.yaml', { origin: 'file', now });
    expect(worker.latest('case-interview')?.version).toBe(1);
    editor.publish(source.replace('Are you willing', 'Are you ready'), 'a.yaml', { origin: 'editor', now });
    expect(worker.latest('case-interview')?.version).toBe(1);
    now += 2001;
    expect(worker.latest('case-interview')?.version).toBe(2);
  });
});
