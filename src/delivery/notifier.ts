/**
 * How the domain reaches people in Teams without knowing Teams: bot/ implements this with
 * botbuilder's connector client; tests and benchmarks run that same sender against local HTTP servers.
 */
export interface DeliveryTarget {
  conversationId: string;
  serviceUrl: string;
  tenantId?: string;
  /** Teams channel id of the activity's channel ("msteams"; the Playground also says msteams). */
  channelId?: string;
  /**
   * For a person's 1:1 chat: their Teams user id ("29:…"). With it, a chat that no longer exists (404) is
   * created again (Bot Framework createConversation) instead of the person being dropped.
   */
  userId?: string;
}

/** A Bot Framework message, as plain data (cards are built in cards/, entities are plain objects). */
export interface OutgoingMessage {
  text?: string;
  textFormat?: 'markdown' | 'plain' | 'xml';
  attachments?: { contentType: string; content: unknown; name?: string }[];
  summary?: string;
  entities?: unknown[];
  channelData?: Record<string, unknown>;
}

export interface SendOutcome {
  /** The id Teams gave the new message, needed to update it in place later. */
  activityId?: string;
}

/**
 * A failed request to the Bot Connector with its HTTP status (0: no answer: network error or timeout),
 * the connector's error code when it gave one (`ConversationBlockedByUser`, `ConversationNotFound`…) and,
 * for a 429, the Retry-After in milliseconds. Storage problems are never DeliveryErrors.
 */
export class DeliveryError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterMs?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface Notifier {
  /** One attempt: no retries inside (the delivery engine owns pacing and retries). Throws DeliveryError. */
  send(target: DeliveryTarget, message: OutgoingMessage): Promise<SendOutcome>;
  update(target: DeliveryTarget, activityId: string, message: OutgoingMessage): Promise<void>;
  /**
   * Creates (or finds) the 1:1 chat with `target.userId` in `target.tenantId` and returns the target to send
   * to. Throws DeliveryError (e.g. 403 when the person no longer has the app).
   */
  createPersonalConversation?(target: DeliveryTarget): Promise<DeliveryTarget>;
}
