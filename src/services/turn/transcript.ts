import type { InboundContent, InboundMessage } from '../../domain/channel.js';
import type { ConversationRecord } from '../../domain/repositories/conversations.js';
import type { MessagesRepository } from '../../domain/repositories/messages.js';
import type { EngineEvent, EngineInput } from '../../flow/types.js';
import type { TurnOutcome } from './turn-outcome.js';

/** The engine input a patient's message becomes; null when the flow should not run on it. */
export function toEngineInput(content: InboundContent): EngineInput | null {
  switch (content.kind) {
    case 'text':
      return { kind: 'text', text: content.text };
    case 'choice':
      return { kind: 'choice', value: content.value };
    case 'contacts':
      return { kind: 'contacts', contacts: content.contacts };
    case 'media':
      return { kind: 'media', media: content.media };
    case 'location':
      return { kind: 'location', latitude: content.latitude, longitude: content.longitude };
    case 'start':
      return { kind: 'start' };
    case 'edited':
      // An edit of an old answer is kept in the transcript for the tracer; re-running the flow on it would be surprising.
      return null;
  }
}

function transcriptText(content: InboundContent): string | null {
  switch (content.kind) {
    case 'text':
    case 'edited':
      return content.text;
    case 'choice':
      return content.label ?? content.value;
    case 'start':
      // The start code is a credential: the transcript shows the command only.
      return '/start';
    case 'media':
      return content.caption ?? null;
    default:
      return null;
  }
}

/** Store a patient's message in the transcript (inside the turn's transaction) and note the live event. */
export function recordInbound(messages: MessagesRepository, conv: Pick<ConversationRecord, 'id'>, m: InboundMessage, now: number, out: TurnOutcome): void {
  const id = messages.insert({
    conversationId: conv.id,
    direction: 'in',
    sender: 'patient',
    kind: m.content.kind,
    text: transcriptText(m.content),
    payload: m.content.kind === 'text' || m.content.kind === 'start' ? null : JSON.stringify(m.content),
    channel: m.channel,
    channelMessageId: m.channelMessageId,
    stepId: null,
    status: 'received',
    sentAt: m.sentAt,
    now,
  });
  out.live.push({ type: 'message.created', conversationId: conv.id, messageId: id, at: now });
}

/** Store one of the bot's replies as queued (delivery sends it later); returns its id. */
export function recordBotReply(
  messages: MessagesRepository,
  conv: Pick<ConversationRecord, 'id' | 'channel'>,
  e: Extract<EngineEvent, { type: 'message' }>,
  now: number,
  out: TurnOutcome,
): number {
  const id = messages.insert({
    conversationId: conv.id,
    direction: 'out',
    sender: 'bot',
    kind: 'text',
    text: e.text,
    payload: e.choices?.length || e.requestPhone || e.expects ? JSON.stringify({ choices: e.choices, requestPhone: e.requestPhone, expects: e.expects }) : null,
    channel: conv.channel,
    channelMessageId: null,
    stepId: e.step,
    status: 'queued',
    sentAt: null,
    now,
  });
  out.live.push({ type: 'message.created', conversationId: conv.id, messageId: id, at: now });
  return id;
}
