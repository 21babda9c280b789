/**
 * How the domain reaches people in Teams without knowing Teams: bot/ implements this with
 * botbuilder's proactive messaging; tests and benchmarks implement it against local HTTP servers.
 */
export interface DeliveryTarget {
  conversationId: string;
  serviceUrl: string;
  tenantId?: string;
  /** Teams channel id of the activity's channel ("msteams"; the Playground also says msteams). */
  channelId?: string;
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

/** A failed send with the connector's HTTP status; `retryAfterMs` comes from a 429's Retry-After. */
export class DeliveryError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface Notifier {
  send(target: DeliveryTarget, message: OutgoingMessage): Promise<SendOutcome>;
  update(target: DeliveryTarget, activityId: string, message: OutgoingMessage): Promise<void>;
}
