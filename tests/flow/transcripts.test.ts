import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFlowFile, type LoadResult } from '../../src/flow/load.js';
import { formatTranscriptFailure, runTranscriptFile } from '../../src/flow/transcript.js';
import { DEFAULT_FLOW_FILE } from './engine-support.js';

const TESTS_DIR = fileURLToPath(new URL('../../flows/tests/', import.meta.url));
const files = readdirSync(TESTS_DIR).filter((f) => /\.ya?ml$/.test(f)).sort();

// Every transcript names the same few flows: load each once.
const loaded = new Map<string, LoadResult>();
const loadFlow = (path: string): LoadResult => {
  let r = loaded.get(path);
  if (!r) {
    r = loadFlowFile(path);
    loaded.set(path, r);
  }
  return r;
};

describe('flow transcripts (flows/tests)', () => {
  it('has transcripts for the default flow in both languages', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
    expect(files.some((f) => f.startsWith('id-'))).toBe(true);
    expect(files.some((f) => f.startsWith('en-'))).toBe(true);
  });

  for (const file of files) {
    it(file, () => {
      const result = runTranscriptFile(join(TESTS_DIR, file), { loadFlow });
      expect(result.failures.map(formatTranscriptFailure).join('\n\n')).toBe('');
      expect(result.passed).toBe(true);
    });
  }
});

describe('the transcript runner', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tracebot-transcripts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const flowRef = relative(dir, DEFAULT_FLOW_FILE);

  const write = (name: string, body: string): string => {
    const file = join(dir, name);
    writeFileSync(file, `flow: ${JSON.stringify(flowRef)}\ntoday: 2026-11-25\ncase: { name: Budi }\n${body}`);
    return file;
  };

  it('reports where the bot said something else: file, line, entry, expected and got', () => {
    const file = write('wrong.yaml', 'script:\n  - bot: Apakah Anda bersedia\n  - patient: ya\n  - bot: Berapa umur Anda?\n');
    const r = runTranscriptFile(file, { loadFlow });
    expect(r.passed).toBe(false);
    expect(r.failures).toEqual([
      { file, entry: 2, line: 7, expected: 'a bot message containing "Berapa umur Anda?"', got: expect.stringContaining('Apakah Anda merasakan gejala') },
    ]);
    expect(formatTranscriptFailure(r.failures[0]!)).toMatch(/wrong\.yaml:7: entry 3: expected a bot message containing "Berapa umur Anda\?"\n {2}got "/);
  });

  it('checks saved answers, contacts and escalations', () => {
    const file = write('saved.yaml', 'script:\n  - bot: bersedia\n  - patient: ya\n  - saved: { consent: false }\n');
    expect(runTranscriptFile(file, { loadFlow }).failures[0]).toMatchObject({ entry: 2, expected: 'answer consent = false', got: 'true' });
    const esc = write('esc.yaml', 'script:\n  - bot: bersedia\n  - patient: ya\n  - escalated: patient_asked\n');
    expect(runTranscriptFile(esc, { loadFlow }).failures[0]).toMatchObject({ entry: 2, got: '(no escalation)' });
    const none = write('contact.yaml', 'script:\n  - contact: { name: Siti }\n');
    expect(runTranscriptFile(none, { loadFlow }).failures[0]).toMatchObject({ entry: 0, got: '(no contacts)' });
  });

  it('names an unknown entry and suggests the right one', () => {
    const file = write('typo.yaml', 'script:\n  - bot: Halo\n  - patien: ya\n');
    const r = runTranscriptFile(file, { loadFlow });
    expect(r.failures[0]).toMatchObject({ line: 6, got: 'unknown entry "patien" (did you mean "patient"?)' });
  });

  it('reports a flow that does not load, and a missing file, as failures instead of throwing', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'flow: nowhere.yaml\ntoday: 2026-11-25\nscript:\n  - bot: Halo\n');
    expect(runTranscriptFile(bad).failures[0]?.got).toMatch(/nowhere\.yaml:1:1: file not found/);
    expect(runTranscriptFile(join(dir, 'missing.yaml')).passed).toBe(false);
  });

  it('fails on an engine error nobody asserted', () => {
    const file = write('resume.yaml', 'script:\n  - patient: petugas\n  - resume: no_such_step\n  - bot: x\n');
    expect(runTranscriptFile(file, { loadFlow }).failures[0]).toMatchObject({ entry: 1, expected: 'no engine error', got: expect.stringContaining('flow:unknown_step') });
    const ok = write('resume-ok.yaml', 'script:\n  - patient: petugas\n  - resume: no_such_step\n  - error: flow:unknown_step\n  - status: handed_off\n');
    expect(runTranscriptFile(ok, { loadFlow }).passed).toBe(true);
  });
});
