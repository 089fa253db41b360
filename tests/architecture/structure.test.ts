import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The architecture rules of docs/architecture.md, checked on the source itself so a change that breaks a layer fails here
 * and not months later in review.
 */
const root = fileURLToPath(new URL('../../src', import.meta.url));

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : /\.(ts|js)$/.test(name) ? [full] : [];
  });
}

const files = listFiles(root).filter((f) => f.endsWith('.ts'));
const rel = (f: string) => path.relative(root, f).split(path.sep).join('/');
const importPattern = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every import specifier of a file, with relative ones resolved to a path under src/. */
function importsOf(file: string): { spec: string; target?: string }[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(importPattern)].map((m) => {
    const spec = (m[1] ?? m[2])!;
    if (!spec.startsWith('.')) return { spec };
    const resolved = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
    return { spec, target: rel(resolved) };
  });
}

const graph = new Map(files.map((f) => [rel(f), importsOf(f)]));

/** Which top-level folders may import a library (the composition root is src/main.ts and src/system.ts). */
const libraryHomes: [RegExp, string[]][] = [
  [/^(drizzle-orm|better-sqlite3)(\/|$)/, ['db/']],
  [/^(bullmq|ioredis)(\/|$)/, ['queue/']],
  [/^(fastify|@fastify\/|@bull-board\/)/, ['web/']],
  [/^telegraf(\/|$)/, ['channels/telegram/']],
  [/^@whiskeysockets\/baileys(\/|$)/, ['channels/whatsapp/']],
];

/** Which layers each layer may import (relative imports inside src/). */
const layerRules: Record<string, string[]> = {
  domain: ['domain'],
  flow: ['domain', 'flow'],
  services: ['domain', 'flow', 'services', 'runtime'],
};

const layerOf = (p: string) => (p.includes('/') ? p.split('/')[0]! : p.replace(/\.ts$/, ''));

describe('source structure', () => {
  it('imports each database, queue, web and chat library only inside its own folder', () => {
    const offences: string[] = [];
    for (const [file, imports] of graph) {
      for (const { spec } of imports) {
        for (const [lib, homes] of libraryHomes) {
          if (lib.test(spec) && !homes.some((h) => file.startsWith(h))) offences.push(`${file} imports ${spec}`);
        }
      }
    }
    expect(offences).toEqual([]);
  });

  it('keeps the layers pointing inward: domain <- flow <- services <- adapters <- composition root', () => {
    const offences: string[] = [];
    for (const [file, imports] of graph) {
      const allowed = layerRules[layerOf(file)];
      if (!allowed) continue;
      for (const { target } of imports) {
        if (target && !allowed.includes(layerOf(target))) offences.push(`${file} imports ${target}`);
      }
    }
    expect(offences).toEqual([]);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (node: string) => {
      state.set(node, 'open');
      stack.push(node);
      for (const { target } of graph.get(node) ?? []) {
        if (!target || !graph.has(target)) continue;
        if (state.get(target) === 'open') cycles.push([...stack.slice(stack.indexOf(target)), target].join(' -> '));
        else if (!state.has(target)) visit(target);
      }
      stack.pop();
      state.set(node, 'done');
    };
    for (const node of graph.keys()) if (!state.has(node)) visit(node);
    expect(cycles).toEqual([]);
  });

  it('keeps every source file under 350 lines, except data (texts, schema)', () => {
    const data = /(^|\/)(schema|texts\/[a-z-]+|[a-z-]*-texts|[a-z-]*-strings)\.ts$/;
    const long = files
      .map((f) => ({ file: rel(f), lines: readFileSync(f, 'utf8').split('\n').length }))
      .filter(({ file, lines }) => lines > 350 && !data.test(file))
      .map(({ file, lines }) => `${file}: ${lines}`);
    expect(long).toEqual([]);
  });

  it('reads the environment only in the config module', () => {
    const readers = [...graph.keys()].filter(
      (f) => !f.startsWith('config/') && /process\.env\b/.test(readFileSync(path.join(root, f), 'utf8')),
    );
    expect(readers).toEqual([]);
  });
});
