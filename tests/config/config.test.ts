import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, EnvSchema, parseConfig } from '../../src/config/index.js';

describe('configuration', () => {
  it('starts on embedded defaults with an empty environment', () => {
    const config = parseConfig({}, '/srv/app');
    expect(config.databaseFile).toBe('/srv/app/data/tracebot.db');
    expect([...config.roles]).toEqual(['web', 'worker', 'channels']);
    expect(config.fakeChannel).toBe(true);
    expect(config.telegramEnabled).toBe(false);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('lists every bad variable at once', () => {
    let error: unknown;
    try {
      parseConfig({ HTTP_PORT: 'abc', ROLES: 'web,cook', TELEGRAM_BOT_TOKEN: 'nope' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/HTTP_PORT/);
    expect(problems).toMatch(/ROLES/);
    expect(problems).toMatch(/TELEGRAM_BOT_TOKEN/);
  });

  it('turns the fake channel off when a real channel is configured', () => {
    const config = parseConfig({ TELEGRAM_BOT_TOKEN: '123:abc' });
    expect(config.telegramEnabled).toBe(true);
    expect(config.fakeChannel).toBe(false);
    expect(parseConfig({ TELEGRAM_BOT_TOKEN: '123:abc', FAKE_CHANNEL: 'on' }).fakeChannel).toBe(true);
  });

  it('shows the patient-phone page only in development without a real channel, unless asked for', () => {
    expect(parseConfig({}).patientPhonePage).toBe(true);
    expect(parseConfig({ TELEGRAM_BOT_TOKEN: '123:abc' }).patientPhonePage).toBe(false);
    expect(parseConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) }).patientPhonePage).toBe(false);
    expect(parseConfig({ TELEGRAM_BOT_TOKEN: '123:abc', PATIENT_PHONE_PAGE: 'on' }).patientPhonePage).toBe(true);
  });

  it('.env.example documents every variable the schema reads', () => {
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    const documented = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    expect([...Object.keys(EnvSchema.shape)].filter((k) => !documented.has(k))).toEqual([]);
  });
});
