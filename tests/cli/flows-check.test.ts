import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkFlowFiles, flowFilesIn } from '../../src/cli/flows-check.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the CLI as `npm run flows:check` does (tsx), from the repository root; `node --import tsx` skips npx's start-up. */
function runCli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/flows-check.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('npm run flows:check', () => {
  it('exits 1 and prints file:line:col for a broken flow', () => {
    const { code, out } = runCli('tests/fixtures/flows/broken-next.yaml');
    expect(code).toBe(1);
    expect(out).toContain(
      "tests/fixtures/flows/broken-next.yaml:9:11: 'next' points to 'symptom', but there is no step with that id (did you mean 'symptoms'?) (step hello)",
    );
    expect(out).toContain('1 flow file checked: 1 error, 0 warnings');
  });

  it('exits 1 as soon as one of several files is broken', () => {
    const { code, out } = runCli('tests/fixtures/flows/valid-small.yaml', 'tests/fixtures/flows/broken-loop.yaml');
    expect(code).toBe(1);
    expect(out).toMatch(/^tests\/fixtures\/flows\/broken-loop\.yaml:6:9: steps hello → again → decide → hello loop forever/m);
    expect(out).toContain('2 flow files checked: 2 errors, 0 warnings');
  });

  it('with no arguments checks the shipped flows in flows/, which must pass', () => {
    const { code, out } = runCli();
    expect(out).toMatch(/\d+ flow files? checked: 0 errors/);
    expect(code).toBe(0);
  });
});

describe('checkFlowFiles', () => {
  it('counts warnings without failing', () => {
    const { lines, exitCode } = checkFlowFiles([fileURLToPath(new URL('../fixtures/flows/valid-small.yaml', import.meta.url))]);
    expect(exitCode).toBe(0);
    expect(lines).toEqual(['1 flow file checked: 0 errors, 0 warnings']);
  });

  it('reports an unreadable file as an error', () => {
    const { lines, exitCode } = checkFlowFiles(['tests/fixtures/flows/does-not-exist.yaml']);
    expect(exitCode).toBe(1);
    expect(lines[0]).toBe('tests/fixtures/flows/does-not-exist.yaml:1:1: file not found');
  });

  it('finds the yaml files of a folder but not its subfolders', () => {
    const files = flowFilesIn(fileURLToPath(new URL('../fixtures/flows/', import.meta.url)));
    expect(files.map((f) => f.slice(f.lastIndexOf('/') + 1))).toContain('valid-small.yaml');
    expect(files.every((f) => f.endsWith('.yaml') || f.endsWith('.yml'))).toBe(true);
  });
});
