import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRepositories } from '../../src/db/index.js';
import { FlowRegistry } from '../../src/services/flow-registry.js';
import { flowFileConflicts, publishFlowFile } from '../../src/services/flow-file-sync.js';
import { openTestDb } from '../support/test-db.js';

const original = new URL('../../flows/case-interview.yaml', import.meta.url);

function setup() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flows-'));
  const file = path.join(dir, 'case-interview.yaml');
  copyFileSync(original, file);
  const repos = createRepositories(openTestDb());
  return { dir, file, repos, flows: new FlowRegistry(repos, 0) };
}

const source = readFileSync(original, 'utf8');
const line = source.split('\n').find((l) => /^\s+id: .*\S/.test(l) && !/^\s+id: [a-z_-]+$/.test(l))!;

describe('flow files at start-up against versions published from the web', () => {
  it('a file unchanged since it was published never overrides a newer web version', () => {
    const { dir, repos, flows } = setup();
    expect(flows.syncDirectory(dir, 1).published).toEqual(['case-interview.yaml@1']);
    const web = flows.publish(source.replace(line, `${line} (web)`), 'case-interview.yaml', { origin: 'editor', userId: null, now: 2 });
    expect(web).toEqual({ ok: true, version: 2, changed: true });
    const again = flows.syncDirectory(dir, 3);
    expect(again.published).toEqual([]);
    expect(again.conflicts).toEqual([]);
    expect(repos.flowVersions.latestPublished('case-interview')).toBe(2);
  });

  it('when both changed the web version stays live and the conflict is reported until the coordinator chooses', () => {
    const { dir, file, repos, flows } = setup();
    flows.syncDirectory(dir, 1);
    flows.publish(source.replace(line, `${line} (web)`), 'case-interview.yaml', { origin: 'editor', userId: null, now: 2 });
    writeFileSync(file, source.replace(line, `${line} (file)`));
    const r = flows.syncDirectory(dir, 3);
    expect(r.published).toEqual([]);
    expect(r.conflicts).toEqual([{ file: 'case-interview.yaml', flowId: 'case-interview', liveVersion: 2, fileVersion: 1 }]);
    expect(repos.flowVersions.latestPublished('case-interview')).toBe(2);
    expect(flowFileConflicts(repos, dir)).toHaveLength(1);

    expect(publishFlowFile(flows, dir, 'case-interview.yaml', { userId: null, now: 4 })).toEqual({ ok: true, version: 3, changed: true });
    expect(flowFileConflicts(repos, dir)).toEqual([]);
    expect(repos.flowVersions.source('case-interview', 3)).toContain(`${line} (file)`);
    // From then on the file is the newest source again: its next change is published at start-up.
    writeFileSync(file, source.replace(line, `${line} (file 2)`));
    expect(flows.syncDirectory(dir, 5).published).toEqual(['case-interview.yaml@4']);
  });

  it('saving the web version over the file ends the conflict without a new version', () => {
    const { dir, file, repos, flows } = setup();
    flows.syncDirectory(dir, 1);
    const web = source.replace(line, `${line} (web)`);
    flows.publish(web, 'case-interview.yaml', { origin: 'editor', userId: null, now: 2 });
    writeFileSync(file, web);
    const r = flows.syncDirectory(dir, 3);
    expect(r).toMatchObject({ published: [], conflicts: [], unchanged: ['case-interview.yaml@2'] });
    expect(flowFileConflicts(repos, dir)).toEqual([]);
  });
});
