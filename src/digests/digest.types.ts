import type { DeliveryProgress } from '../delivery/delivery.progress';
import type { DeliveryTarget, OutgoingMessage } from '../delivery/notifier';
import type { DigestItem } from './newsletter.composer';

export type DigestStatus = 'draft' | 'scheduled' | 'sending' | 'sent' | 'cancelled';

/** A newsletter digest and its delivery life: draft → scheduled → sending → sent, or cancelled before sending. */
export interface DigestRecord {
  id: string;
  title: string;
  /** Publication date of the newsletter, yyyy-MM-dd. */
  published: string;
  url?: string;
  intro?: string;
  items: DigestItem[];
  /** Items found in the newsletter (the record keeps at most MAX_STORED_ITEMS, the card fewer). */
  totalItems: number;
  format: 'markdown' | 'html';
  status: DigestStatus;
  createdBy: string;
  createdAt: string;
  /** UTC instant, and the Europe/London wall time the admin chose (yyyy-MM-dd HH:mm). */
  scheduledFor?: string;
  scheduledLocal?: string;
  scheduledBy?: string;
  sentBy?: string;
  sendStartedAt?: string;
  /** Set once every subscriber has an outbox row. */
  enqueuedAt?: string;
  finishedAt?: string;
  /** When the newsletter went into the guidance index (onPublished), so a resumed delivery does not repeat it. */
  ingestedAt?: string;
  cancelledBy?: string;
  cancelledAt?: string;
  /** The outbox job id (one per digest, so a second Send finds the same job). */
  jobId?: string;
  /** The admin's card that shows progress, updated in place. */
  progressCard?: { target: DeliveryTarget; activityId: string };
  /** Set by the admin's "Retry the ones not delivered": the next delivery run puts those rows back first. */
  retryRequestedAt?: string;
  retriedBy?: string;
  /** Final figures, kept when the delivery finishes. */
  counts?: DigestCounts;
  etag?: string;
}

/** The final figures of a delivery (`unreachable` was called `gone` in records written before it). */
export type DigestCounts = Pick<DeliveryProgress, 'total' | 'sent' | 'failed' | 'blocked' | 'unreachable' | 'tooLarge' | 'skipped'> & { refound?: number };

/**
 * Builds the messages the digest feature sends. Implemented in cards/ (cards/digest-renderer.ts) and
 * injected, because the domain does not build Adaptive Cards itself.
 */
export interface DigestRenderer {
  /** The card every subscriber gets; the admin's preview is exactly this. */
  digest(digest: DigestRecord): OutgoingMessage;
  /** The admin's card while sending, and the final report when `progress.done`. */
  progress(digest: DigestRecord, progress: DeliveryProgress): OutgoingMessage;
}

export interface DigestReport {
  digest: DigestRecord;
  progress?: DeliveryProgress;
}
