import { DeliveryError, type DeliveryTarget, type Notifier, type OutgoingMessage, type SendOutcome } from '../../src/delivery/notifier';

export interface CapturedSend {
  target: DeliveryTarget;
  message: OutgoingMessage;
  at: number;
}

/**
 * In-process Notifier for engine tests: records every accepted send, and a `script` decides per
 * attempt whether to fail (return a DeliveryError), hang (never answer: a crashed process) or accept.
 */
export class CaptureNotifier implements Notifier {
  readonly sends: CapturedSend[] = [];
  readonly attempts: { conversationId: string; at: number; status: number }[] = [];
  readonly updates: { target: DeliveryTarget; activityId: string; message: OutgoingMessage }[] = [];
  /** Chats created again (createPersonalConversation), by user id. */
  readonly created: DeliveryTarget[] = [];
  private seq = 0;

  constructor(
    private readonly script: (target: DeliveryTarget, attempt: number) => DeliveryError | 'hang' | undefined = () => undefined,
    /** Decides a createPersonalConversation: a new conversation id, or a DeliveryError. Default: `new-<userId>`. */
    private readonly createScript: (target: DeliveryTarget) => string | DeliveryError = (t) => `new-${t.userId}`,
  ) {}

  async createPersonalConversation(target: DeliveryTarget): Promise<DeliveryTarget> {
    await Promise.resolve();
    const verdict = this.createScript(target);
    if (verdict instanceof DeliveryError) throw verdict;
    const made = { ...target, conversationId: verdict };
    this.created.push(made);
    return made;
  }

  async send(target: DeliveryTarget, message: OutgoingMessage): Promise<SendOutcome> {
    await Promise.resolve();
    const attempt = this.attempts.filter((a) => a.conversationId === target.conversationId).length + 1;
    const verdict = this.script(target, attempt);
    if (verdict === 'hang') return new Promise<SendOutcome>(() => undefined);
    this.attempts.push({ conversationId: target.conversationId, at: Date.now(), status: verdict ? verdict.status : 201 });
    if (verdict) throw verdict;
    this.sends.push({ target, message, at: Date.now() });
    return { activityId: `act-${++this.seq}` };
  }

  async update(target: DeliveryTarget, activityId: string, message: OutgoingMessage): Promise<void> {
    this.updates.push({ target, activityId, message });
  }

  /** Conversation ids that received more than one message. */
  duplicates(): string[] {
    const seen = new Map<string, number>();
    for (const s of this.sends) seen.set(s.target.conversationId, (seen.get(s.target.conversationId) ?? 0) + 1);
    return [...seen.entries()].filter(([, n]) => n > 1).map(([id]) => id);
  }
}

export function target(conversationId: string): DeliveryTarget {
  return { conversationId, serviceUrl: 'http://127.0.0.1:9/', channelId: 'msteams', tenantId: 't1' };
}

export { DeliveryError };
