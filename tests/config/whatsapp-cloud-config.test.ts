import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/index.js';

const CLOUD = {
  WHATSAPP_CLOUD_TOKEN: 'EAAG'.padEnd(40, 'x'),
  WHATSAPP_CLOUD_PHONE_NUMBER_ID: '106540352242922',
  WHATSAPP_CLOUD_APP_SECRET: 'a'.repeat(32),
  WHATSAPP_CLOUD_VERIFY_TOKEN: 'verify-me-please',
};

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('WhatsApp Business Platform configuration', () => {
  it('is on with all four credentials, with Meta defaults for the rest, and writes first on WhatsApp', () => {
    const c = parseConfig(CLOUD);
    expect(c.whatsappCloudEnabled).toBe(true);
    expect(c.fakeChannel).toBe(false);
    expect(c.outreachChannel).toBe('whatsapp');
    expect(c.WHATSAPP_CLOUD_API_ROOT).toMatch(/^https:\/\/graph\.facebook\.com\/v\d+\.\d$/);
    expect(c.WHATSAPP_CLOUD_RATE_PER_SECOND).toBe(80);
    expect(c.WHATSAPP_CLOUD_TEMPLATE_NAME).toBe('tracebot_checkin');
    expect(c.WHATSAPP_CLOUD_TEMPLATE_PARAMS).toEqual([]);
    expect(parseConfig({ ...CLOUD, WHATSAPP_CLOUD_TEMPLATE_PARAMS: 'Dinas Kesehatan Kota Bandung, Jawa Barat | 0221234' }).WHATSAPP_CLOUD_TEMPLATE_PARAMS).toEqual([
      'Dinas Kesehatan Kota Bandung, Jawa Barat',
      '0221234',
    ]);
  });

  it('is off without credentials', () => {
    expect(parseConfig({}).whatsappCloudEnabled).toBe(false);
  });

  it('names every missing credential when only some are set', () => {
    const p = problems({ WHATSAPP_CLOUD_TOKEN: CLOUD.WHATSAPP_CLOUD_TOKEN });
    expect(p).toHaveLength(3);
    expect(p.join('\n')).toMatch(/WHATSAPP_CLOUD_PHONE_NUMBER_ID[\s\S]*WHATSAPP_CLOUD_APP_SECRET[\s\S]*WHATSAPP_CLOUD_VERIFY_TOKEN/);
  });

  it('refuses both WhatsApp channels at once', () => {
    expect(problems({ ...CLOUD, WHATSAPP_ENABLED: 'true' }).join('\n')).toMatch(/only one WhatsApp channel/);
  });

  it('rejects a phone number where the Phone number ID belongs', () => {
    expect(problems({ ...CLOUD, WHATSAPP_CLOUD_PHONE_NUMBER_ID: '+62 812 3456' }).join('\n')).toMatch(/WHATSAPP_CLOUD_PHONE_NUMBER_ID/);
  });
});
