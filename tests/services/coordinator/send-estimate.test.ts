import { describe, expect, it } from 'vitest';
import { outreachRate } from '../../../src/config/outreach-rate.js';
import { estimateSendTime } from '../../../src/services/coordinator/index.js';
import { testConfig } from '../../support/seed.js';

describe('how long a day of check-ins takes to send', () => {
  it('sends 600 check-ins from 08:00 at 20 a minute in an hour: 1,200 messages, done by 09:00', () => {
    expect(estimateSendTime({ checkIns: 600, perMinute: 20, startHour: 8 })).toEqual({
      messages: 1200,
      perMinute: 20,
      minutes: 60,
      capacityPerDay: 28_800,
      finishMinuteOfDay: 9 * 60,
      status: 'ok',
    });
  });

  it('finishes 9,000 check-ins from 08:00 at 20 a minute by 23:00, but warns they run past midnight when started at 10:00', () => {
    const e = estimateSendTime({ checkIns: 9000, perMinute: 20, startHour: 8 });
    expect(e.minutes).toBe(900);
    expect(e.finishMinuteOfDay).toBe(23 * 60);
    expect(e.status).toBe('ok');
    const later = estimateSendTime({ checkIns: 9000, perMinute: 20, startHour: 10 });
    expect(later.finishMinuteOfDay).toBe(25 * 60);
    expect(later.status).toBe('late');
  });

  it('says a day cannot hold 14,401 check-ins (28,802 messages) on a linked phone at 20 a minute', () => {
    expect(estimateSendTime({ checkIns: 14_400, perMinute: 20, startHour: 0 }).status).toBe('ok');
    const e = estimateSendTime({ checkIns: 14_401, perMinute: 20, startHour: 0 });
    expect(e.messages).toBe(28_802);
    expect(e.capacityPerDay).toBe(28_800);
    expect(e.status).toBe('over');
  });

  it('rounds a partial minute up, and needs no time for nothing or on an unthrottled channel', () => {
    expect(estimateSendTime({ checkIns: 1, perMinute: 20, startHour: 8 }).minutes).toBe(1);
    expect(estimateSendTime({ checkIns: 0, perMinute: 20, startHour: 8 })).toMatchObject({ minutes: 0, status: 'ok' });
    expect(estimateSendTime({ checkIns: 1_000_000, perMinute: null, startHour: 8 })).toMatchObject({ messages: 2_000_000, minutes: 0, capacityPerDay: null, status: 'ok' });
  });

  it('reads the rate the channel throttles are given: linked phone per minute, Business Platform per second, fake unthrottled', () => {
    expect(outreachRate(testConfig({ WHATSAPP_ENABLED: 'true' }))).toEqual({ channel: 'whatsapp', perMinute: 20 });
    expect(outreachRate(testConfig({ WHATSAPP_ENABLED: 'true', WHATSAPP_RATE_PER_MINUTE: '12' }))).toEqual({ channel: 'whatsapp', perMinute: 12 });
    const cloud = {
      WHATSAPP_CLOUD_TOKEN: 'EAAG-test-token-0123456789',
      WHATSAPP_CLOUD_PHONE_NUMBER_ID: '123456789012',
      WHATSAPP_CLOUD_APP_SECRET: 'app-secret-0123456789',
      WHATSAPP_CLOUD_VERIFY_TOKEN: 'verify-token',
    };
    expect(outreachRate(testConfig(cloud))).toEqual({ channel: 'whatsapp_cloud', perMinute: 80 * 60 });
    expect(outreachRate(testConfig({ OUTREACH_CHANNEL: 'fake' }))).toEqual({ channel: 'fake', perMinute: null });
    expect(outreachRate(testConfig({ OUTREACH_CHANNEL: 'off', FAKE_CHANNEL: 'off' }))).toEqual({ channel: null, perMinute: null });
  });
});
