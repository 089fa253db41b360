import { afterEach, describe, expect, it } from 'vitest';
import { childEnvironment, ConfigError, parseConfig } from '../../src/config/index.js';

/** The problems parseConfig lists for `env` (empty when it parses). */
function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('Redis as Sentinel or Cluster (issue 15)', () => {
  afterEach(() => {
    delete process.env.REDIS_SENTINELS;
  });

  it('has no topology on the defaults: one server, REDIS_URL or a local one', () => {
    expect(parseConfig({}).redisTopology).toBeUndefined();
    expect(parseConfig({ REDIS_URL: 'redis://r:6379' }).redisTopology).toBeUndefined();
  });

  it('reads the sentinels, the primary name and the passwords', () => {
    const config = parseConfig({
      REDIS_SENTINELS: ' s1:26379, 10.0.0.2:26380,[::1]:26381 ',
      REDIS_SENTINEL_NAME: 'tb',
      REDIS_SENTINEL_PASSWORD: 'sentinel-pw',
      REDIS_PASSWORD: 'data-pw',
    });
    expect(config.redisTopology).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: '10.0.0.2', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      name: 'tb',
      sentinelPassword: 'sentinel-pw',
      password: 'data-pw',
    });
  });

  it('reads the cluster nodes when the prefix carries a {hash tag}', () => {
    const config = parseConfig({ REDIS_CLUSTER_NODES: 'n1:7000,n2:7001', REDIS_PREFIX: '{tracebot}' });
    expect(config.redisTopology).toEqual({ kind: 'cluster', nodes: [{ host: 'n1', port: 7000 }, { host: 'n2', port: 7001 }] });
    expect(parseConfig({ REDIS_CLUSTER_NODES: 'n1:7000', REDIS_PREFIX: 'tb-{prod}-1' }).REDIS_PREFIX).toBe('tb-{prod}-1');
  });

  it('says a cluster needs a {hash tag} in REDIS_PREFIX, and suggests one', () => {
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'n1:7000', REDIS_PREFIX: 'acme' })).toEqual([
      expect.stringMatching(/^REDIS_PREFIX: with REDIS_CLUSTER_NODES it must contain a \{hash tag\}, e\.g\. \{acme\}, so every key .* one hash slot/),
    ]);
  });

  it('allows at most one {hash tag} in REDIS_PREFIX, and nothing else but letters, digits, _ and -', () => {
    for (const ok of ['tracebot', '{tracebot}', 'a{b}c', 'tb_1-x']) expect(parseConfig({ REDIS_PREFIX: ok }).REDIS_PREFIX).toBe(ok);
    for (const bad of ['{a}{b}', '{}', 'a}', '{a', 'a:b', 'a b']) expect(problemsOf({ REDIS_PREFIX: bad }), bad).toEqual([expect.stringMatching(/^REDIS_PREFIX: /)]);
  });

  it('lists every conflicting or missing Redis setting at once', () => {
    const problems = problemsOf({ REDIS_SENTINELS: 's1:26379', REDIS_CLUSTER_NODES: 'n1:7000', REDIS_URL: 'redis://r:6379' }).join('\n');
    expect(problems).toMatch(/REDIS_SENTINELS and REDIS_CLUSTER_NODES: .* set one/);
    expect(problems).toMatch(/REDIS_URL: leave it unset/);
    expect(problems).toMatch(/REDIS_SENTINEL_NAME: required with REDIS_SENTINELS/);
    expect(problems).toMatch(/REDIS_PREFIX: with REDIS_CLUSTER_NODES/);
  });

  it('refuses settings that would be ignored, and malformed node lists', () => {
    expect(problemsOf({ REDIS_SENTINEL_NAME: 'tb' })).toEqual([expect.stringMatching(/only used with REDIS_SENTINELS/)]);
    expect(problemsOf({ REDIS_PASSWORD: 'pw' })).toEqual([expect.stringMatching(/^REDIS_PASSWORD: .*put it in REDIS_URL/)]);
    expect(problemsOf({ REDIS_SENTINELS: 's1', REDIS_SENTINEL_NAME: 'tb' })).toEqual([expect.stringMatching(/^REDIS_SENTINELS\.0: each entry is host:port/)]);
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'n1:70000', REDIS_PREFIX: '{tb}' })).toEqual([expect.stringMatching(/^REDIS_CLUSTER_NODES\.0: port must be 1-65535/)]);
  });

  it('passes the Sentinel settings on to the worker processes it starts', () => {
    process.env.REDIS_SENTINELS = 's1:26379';
    expect(childEnvironment({ ROLES: 'worker' })).toMatchObject({ REDIS_SENTINELS: 's1:26379', ROLES: 'worker' });
  });
});
