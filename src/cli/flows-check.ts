import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadFlowFile } from '../flow/load.js';
import { formatProblem, type FlowProblem } from '../flow/problems.js';

/** `npm run flows:check [-- files...]`: checks flow files, prints every problem as `file:line:col: message`. */

const FLOWS_DIR = fileURLToPath(new URL('../../flows/', import.meta.url));

/** The flow files of a folder: its `*.yaml`/`*.yml` files, not those in subfolders (`tests/`, `schema/`); sorted. */
export function flowFilesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(dir, e.name))
    .sort();
}

/** Loads each file and returns the lines to print and the exit code: 1 when any file has an error, else 0. */
export function checkFlowFiles(files: readonly string[]): { lines: string[]; exitCode: number } {
  const lines: string[] = [];
  let errors = 0;
  let warnings = 0;
  for (const file of files) {
    const result = loadFlowFile(file);
    const problems: FlowProblem[] = result.ok ? result.warnings : result.problems;
    for (const p of problems) {
      lines.push(formatProblem(p));
      if (p.severity === 'error') errors++;
      else warnings++;
    }
  }
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(`${plural(files.length, 'flow file')} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`);
  return { lines, exitCode: errors > 0 ? 1 : 0 };
}

function main(args: string[]): number {
  const cwd = process.cwd();
  // Shown relative to where the command runs, so terminals and editors can open `file:line:col` directly.
  const files = args.length > 0 ? args : flowFilesIn(FLOWS_DIR).map((f) => relative(cwd, f) || f);
  if (files.length === 0) {
    console.error(`no flow files found in ${relative(cwd, FLOWS_DIR) || resolve(FLOWS_DIR)}`);
    return 1;
  }
  const { lines, exitCode } = checkFlowFiles(files);
  for (const line of lines) console.log(line);
  return exitCode;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
