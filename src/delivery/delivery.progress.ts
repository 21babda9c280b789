import type { OutboxRow, OutboxStore } from './outbox.store';

export interface DeliveryProgress {
  jobId: string;
  total: number;
  sent: number;
  /** Not finished yet: pending, being sent, or waiting for a retry (`retrying` of them). */
  pending: number;
  /** Of `pending`: put back after the connector kept failing or throttling; tried again later. */
  retrying: number;
  /** Final answers that will not change on their own (400…, or retries given up); the admin can retry them. */
  failed: number;
  /** 403: the person blocked the bot. */
  blocked: number;
  /** The chat was gone and could not be created again (the person may have removed the app). */
  unreachable: number;
  tooLarge: number;
  /** No longer wanted at send time (unsubscribed, booking cancelled). */
  skipped: number;
  /** Of `sent`: delivered to a chat created again because the stored one was gone. */
  refound: number;
  /** Why rows were not delivered (failed, unreachable, too large), most common first: `http_404_ConversationNotFound` → 3. */
  reasons: { code: string; count: number }[];
  /** Messages per second over the last RATE_WINDOW_MS of sends (0 when none). */
  ratePerSecond: number;
  /** Seconds until every pending row is sent at the current rate; undefined when unknown. */
  etaSeconds?: number;
  firstSentAt?: string;
  lastSentAt?: string;
  done: boolean;
}

const RATE_WINDOW_MS = 15_000;

/** Reads a few properties of every row: about one request per 1,000 recipients. */
export async function computeProgress(jobId: string, store: OutboxStore, now: Date): Promise<DeliveryProgress> {
  const p: DeliveryProgress = {
    jobId, total: 0, sent: 0, pending: 0, retrying: 0, failed: 0, blocked: 0, unreachable: 0, tooLarge: 0, skipped: 0, refound: 0, reasons: [], ratePerSecond: 0, done: false,
  };
  let recent = 0;
  let first: string | undefined;
  let last: string | undefined;
  const reasons = new Map<string, number>();
  const why = (r: Partial<OutboxRow>) => reasons.set(r.lastError || 'unknown', (reasons.get(r.lastError || 'unknown') ?? 0) + 1);
  const since = new Date(now.getTime() - RATE_WINDOW_MS).toISOString();
  for await (const page of store.scan(jobId, ['status', 'sentAt', 'lastError', 'refoundFrom'])) {
    for (const r of page as Partial<OutboxRow>[]) {
      p.total += 1;
      switch (r.status) {
        case 'sent':
          p.sent += 1;
          if (r.refoundFrom) p.refound += 1;
          if (r.sentAt) {
            if (r.sentAt >= since) recent += 1;
            if (!first || r.sentAt < first) first = r.sentAt;
            if (!last || r.sentAt > last) last = r.sentAt;
          }
          break;
        case 'retry':
          p.retrying += 1;
          p.pending += 1;
          break;
        case 'pending':
        case 'claimed':
          p.pending += 1;
          break;
        case 'failed':
          p.failed += 1;
          why(r);
          break;
        case 'blocked':
          p.blocked += 1;
          break;
        case 'unreachable':
        case 'gone':
          p.unreachable += 1;
          why(r);
          break;
        case 'too_large':
          p.tooLarge += 1;
          why(r);
          break;
        case 'skipped':
          p.skipped += 1;
          break;
      }
    }
  }
  if (recent > 0 && first) {
    const spanMs = Math.min(RATE_WINDOW_MS, Math.max(1000, now.getTime() - Math.max(new Date(first).getTime(), now.getTime() - RATE_WINDOW_MS)));
    p.ratePerSecond = Math.round((recent / (spanMs / 1000)) * 10) / 10;
  }
  if (p.pending === 0) p.etaSeconds = 0;
  else if (p.ratePerSecond > 0) p.etaSeconds = Math.ceil(p.pending / p.ratePerSecond);
  p.firstSentAt = first;
  p.lastSentAt = last;
  p.reasons = [...reasons.entries()].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
  p.done = p.total > 0 && p.pending === 0;
  return p;
}
