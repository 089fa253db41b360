/**
 * How long a day's check-ins take to leave at the outreach channel's rate. A linked WhatsApp phone is throttled to a few
 * messages a minute (20/min is 28,800 a day) so that WhatsApp does not ban the number; at the 1:15 contacts-per-case target a
 * few thousand cases already fill that, and the coordinator must know before the morning, not from complaints.
 */

/** Bot messages one check-in costs on the throttle: the morning question and the reply to the contact's answer. */
export const MESSAGES_PER_CHECKIN = 2;

const MINUTES_A_DAY = 24 * 60;

export interface SendEstimateInput {
  /** Check-ins due today. */
  checkIns: number;
  /** Messages a minute the channel lets out; null when unthrottled (fake channel) or no channel. */
  perMinute: number | null;
  /** Local hour (0-23) the check-ins start going out. */
  startHour: number;
  messagesPerCheckIn?: number;
}

export interface SendEstimate {
  messages: number;
  perMinute: number | null;
  /** Minutes from the check-in hour until the last message leaves (0 when unthrottled). */
  minutes: number;
  /** Messages the channel can send in 24 h; null when unthrottled. */
  capacityPerDay: number | null;
  /** Local minute of the day (from midnight) the last one leaves; 1440 or more means after midnight. */
  finishMinuteOfDay: number;
  /** ok; `late`: finishes after local midnight (people get their check-in at night or tomorrow); `over`: more than a day's capacity. */
  status: 'ok' | 'late' | 'over';
}

/** The send time of `checkIns` check-ins at `perMinute`, started at the local check-in hour (pure). */
export function estimateSendTime(i: SendEstimateInput): SendEstimate {
  const messages = Math.max(0, i.checkIns) * (i.messagesPerCheckIn ?? MESSAGES_PER_CHECKIN);
  const start = i.startHour * 60;
  if (i.perMinute === null || messages === 0) return { messages, perMinute: i.perMinute, minutes: 0, capacityPerDay: i.perMinute === null ? null : i.perMinute * MINUTES_A_DAY, finishMinuteOfDay: start, status: 'ok' };
  const minutes = Math.ceil(messages / i.perMinute);
  const capacityPerDay = i.perMinute * MINUTES_A_DAY;
  const status = messages > capacityPerDay ? 'over' : start + minutes > MINUTES_A_DAY ? 'late' : 'ok';
  return { messages, perMinute: i.perMinute, minutes, capacityPerDay, finishMinuteOfDay: start + minutes, status };
}
