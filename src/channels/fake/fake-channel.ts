import type { Channel, InboundHandler, OutboundMessage, SendResult } from '../../domain/channel.js';
import { splitText } from '../split-text.js';
import type { FakePlatform } from './fake-platform.js';

interface PatientMessage {
  userId: string;
  id: string;
  content: import('../../domain/channel.js').InboundContent;
  at: number;
}

/** The fake channel: the Channel interface over an in-memory FakePlatform (tests, benchmark, demo, patient-phone page). */
export class FakeChannel implements Channel {
  readonly name = 'fake' as const;
  private handler: InboundHandler | undefined;
  /** One hand-over chain per chat: a chat's messages go in the order sent, different chats do not wait for each other. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly listener = (m: PatientMessage) => {
    const next = (this.chains.get(m.userId) ?? Promise.resolve()).then(() => this.forward(m));
    this.chains.set(m.userId, next);
    // Forget an idle chat's chain, so the map does not grow with every patient ever seen.
    void next.then(() => {
      if (this.chains.get(m.userId) === next) this.chains.delete(m.userId);
    });
  };

  constructor(readonly platform: FakePlatform) {}

  /** Start forwarding patient messages to `onMessage`. */
  async start(onMessage: InboundHandler): Promise<void> {
    this.handler = onMessage;
    this.platform.on('patient-message', this.listener);
  }

  /** Stop forwarding; waits for messages already being handed over. */
  async stop(): Promise<void> {
    this.platform.off('patient-message', this.listener);
    await Promise.all(this.chains.values());
    this.handler = undefined;
  }

  /** Deliver a reply, split to the platform's length limit. */
  async send(message: OutboundMessage): Promise<SendResult> {
    if (this.platform.isUnreachable(message.channelUserId)) {
      return { ok: false, kind: 'permanent', reason: 'blocked', detail: 'fake platform: user unreachable' };
    }
    const parts = splitText(message.text, this.platform.maxTextLength);
    const ids = parts.map((text, i) =>
      this.platform.deliver(message.channelUserId, {
        text,
        // Buttons go with the last part, where the question is.
        choices: i === parts.length - 1 ? (message.choices ?? []) : [],
        requestPhone: i === parts.length - 1 && Boolean(message.requestPhone),
        at: Date.now(),
      }),
    );
    return { ok: true, channelMessageIds: ids };
  }

  /** Every number is "on" the fake platform unless blocked; its chat id is the number itself. */
  async checkNumber(phoneE164: string): Promise<{ exists: boolean; userId?: string }> {
    return this.platform.isUnreachable(phoneE164) ? { exists: false } : { exists: true, userId: phoneE164 };
  }

  private async forward(m: PatientMessage): Promise<void> {
    if (!this.handler) return;
    try {
      await this.handler({ channel: 'fake', channelMessageId: m.id, channelUserId: m.userId, sentAt: m.at, content: m.content });
      this.platform.answered(m.id, 'accepted');
    } catch {
      this.platform.answered(m.id, 'refused');
      // The handler (enqueue) failed: the platform keeps the message and the caller may redeliver it, as a real platform would.
    }
  }
}
