import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/index.js';

describe('WORKERS: how many worker processes run', () => {
  it('defaults to one process, and takes a number from the environment', () => {
    expect(parseConfig({}).workers).toBe(1);
    expect(parseConfig({ WORKERS: '1' }).workers).toBe(1);
    expect(parseConfig({ WORKERS: '6' }).workers).toBe(6);
    // An empty value in a copied .env.example means "unset".
    expect(parseConfig({ WORKERS: '' }).workers).toBe(1);
  });

  it.each(['0', '-2', '1.5', 'many', '257'])('refuses WORKERS=%s, naming the variable', (value) => {
    let error: unknown;
    try {
      parseConfig({ WORKERS: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.join('\n')).toMatch(/^WORKERS: /m);
  });
});
