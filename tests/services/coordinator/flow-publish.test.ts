import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { createRepositories } from '../../../src/db/index.js';
import { loadFlowSource } from '../../../src/flow/load.js';
import { getDraft, publishDraft, publishSource, saveDraft } from '../../../src/services/coordinator/index.js';
import { FlowRegistry } from '../../../src/services/flow-registry.js';
import { tempDb } from '../../support/temp-db.js';
import { insertUser } from './support.js';

// Count how often the YAML is parsed and validated, without changing what the loader does.
vi.mock('../../../src/flow/load.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/flow/load.js')>();
  return { ...real, loadFlowSource: vi.fn(real.loadFlowSource) };
});

const SOURCE = readFileSync(new URL('../../../flows/case-interview.yaml', import.meta.url), 'utf8');
const T0 = Date.parse('2026-03-10T03:00:00Z');

describe('publishing a coordinator draft', () => {
  it('parses and validates the draft once, stores that definition, and serves the same one to new conversations', () => {
    const { db } = tempDb();
    const repos = createRepositories(db);
    const registry = new FlowRegistry(repos);
    const coordinator = insertUser(db, { name: 'Citra', role: 'coordinator' });
    expect(saveDraft(repos, 'case-interview', SOURCE, { userId: coordinator, now: T0 }).valid).toBe(true);

    vi.mocked(loadFlowSource).mockClear();
    const published = publishDraft(repos, registry, 'case-interview', { userId: coordinator, now: T0 + 1000 });
    expect(published).toEqual({ ok: true, version: 1, changed: true });
    expect(loadFlowSource).toHaveBeenCalledTimes(1);

    const validated = vi.mocked(loadFlowSource).mock.results[0]!.value as { ok: true; flow: unknown };
    expect(JSON.parse(repos.flowVersions.definition('case-interview', 1)!)).toEqual(validated.flow);
    expect(registry.latest('case-interview')?.flow).toBe(validated.flow);
  });

  it("publishes the editor's text in one parse, keeping it as the draft when it is refused", () => {
    const { db } = tempDb();
    const repos = createRepositories(db);
    const registry = new FlowRegistry(repos);
    const who = { userId: insertUser(db, { name: 'Citra', role: 'coordinator' }), now: T0 };

    vi.mocked(loadFlowSource).mockClear();
    expect(publishSource(repos, registry, 'case-interview', SOURCE, who)).toEqual({ ok: true, version: 1, changed: true });
    expect(loadFlowSource).toHaveBeenCalledTimes(1);
    expect(getDraft(repos, 'case-interview')).toBeUndefined();

    const broken = SOURCE.replace('type: yes_no', 'type: yes_nope');
    expect(publishSource(repos, registry, 'case-interview', broken, { ...who, now: T0 + 1 })).toMatchObject({ ok: false, error: 'invalid' });
    expect(getDraft(repos, 'case-interview')?.source).toBe(broken);
    expect(registry.latest('case-interview')?.version).toBe(1);
  });
});
