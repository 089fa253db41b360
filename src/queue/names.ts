import type { ChannelName } from '../domain/channel.js';

/** One queue per kind of work. */
export const QueueNames = {
  /** `drain` jobs: each drains one chat's mailbox (patient messages, timers, outreach), in order, one chat at a time. */
  mailboxDrains: 'mailbox-drains',
  /** Structured processing of answers/contacts and fan-out to webhooks. */
  events: 'events',
  /** Signed webhook deliveries, retried with backoff. */
  webhooks: 'webhooks',
  /** Reminders and expiry, as delayed jobs. */
  timers: 'timers',
} as const;

/** The outbound queue of one channel (each has its own rate limit). */
export function outboundQueueName(channel: ChannelName): string {
  return `outbound-${channel}`;
}
