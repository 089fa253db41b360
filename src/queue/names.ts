import type { ChannelName } from '../domain/channel.js';

/** One queue per kind of work. */
export const QueueNames = {
  /** Drains a conversation's inbound mailbox, one conversation at a time, in order. */
  inbound: 'inbound',
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
