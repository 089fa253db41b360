import type { Config } from './config.js';

/** The channel that writes first to contacts and how fast it may send, as configured (the throttles in src/channels apply it). */
export interface OutreachRate {
  /** `whatsapp` (linked phone, baileys), `whatsapp_cloud` (Business Platform), `fake`, or null when outreach is off. */
  channel: 'whatsapp' | 'whatsapp_cloud' | 'fake' | null;
  /** Messages a minute the channel's throttle lets out; null when nothing throttles it (fake) or nothing sends (off). */
  perMinute: number | null;
}

/** The send rate of the channel contacts are notified on (`contactChannel`): the settings channels/wiring.ts gives its throttle. */
export function outreachRate(config: Pick<Config, 'contactChannel' | 'whatsappCloudEnabled' | 'WHATSAPP_RATE_PER_MINUTE' | 'WHATSAPP_CLOUD_RATE_PER_SECOND'>): OutreachRate {
  if (config.contactChannel === null) return { channel: null, perMinute: null };
  if (config.contactChannel === 'fake') return { channel: 'fake', perMinute: null };
  if (config.whatsappCloudEnabled) return { channel: 'whatsapp_cloud', perMinute: config.WHATSAPP_CLOUD_RATE_PER_SECOND * 60 };
  return { channel: 'whatsapp', perMinute: config.WHATSAPP_RATE_PER_MINUTE };
}
