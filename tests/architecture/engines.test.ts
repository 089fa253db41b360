import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// package.json's `engines` must tell the truth about the lockfile: every package accepts the oldest Node of our range,
// except two ES-module packages whose declared ">=22" is stricter than what they need (Node 20.19 can require them).
const require = createRequire(import.meta.url);
const semver = require('semver') as { satisfies(version: string, range: string): boolean; minVersion(range: string): { version: string } | null };
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, { version?: string; optional?: boolean; engines?: { node?: string } | string[] }> };
const DECLARED_TOO_STRICT = new Set(['node_modules/cookie', 'node_modules/content-disposition']);

describe('the Node versions tracebot claims to run on', () => {
  const oldest = ['20.19.0', '22.13.0'];

  it('package.json engines starts at Node 20.19 and 22.13 (require of ES modules, which fastify needs)', () => {
    for (const v of oldest) expect(semver.satisfies(v, pkg.engines.node)).toBe(true);
    expect(semver.satisfies('20.18.0', pkg.engines.node)).toBe(false);
  });

  it('every locked package (other platforms\' binaries aside) accepts those versions, but for two that declare more than they need', () => {
    const refusing = Object.entries(lock.packages)
      // Optional packages are other platforms' binaries, installed only where they fit.
      .filter(([name, p]) => name && !p.optional && !Array.isArray(p.engines) && p.engines?.node)
      .filter(([, p]) => oldest.some((v) => !semver.satisfies(v, (p.engines as { node: string }).node)))
      .map(([name]) => name);
    expect(refusing.filter((n) => !DECLARED_TOO_STRICT.has(n))).toEqual([]);
  });

  it('those two load and work on the running Node', async () => {
    const cookie = require('cookie') as { stringifySetCookie(c: { name: string; value: string }): string };
    expect(cookie.stringifySetCookie({ name: 'a', value: 'b' })).toBe('a=b');
    const disposition = require('content-disposition') as { create(name: string): string };
    expect(disposition.create('kasus.csv')).toBe('attachment; filename=kasus.csv');
  });
});
