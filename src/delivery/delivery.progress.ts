import type { OutboxRow, OutboxStore } from './outbox.store';

export interface DeliveryProgress {
  jobId: string;
  total: number;
  sent: number;
  /** Not yet finished: pending or claimed by a worker. */
  pending: number;
  failed: number;
  blocked: number;
  gone: number;
  tooLarge: number;
  skipped: number;
  /** Messages per second over the last RATE_WINDOW_MS of sends (0 when none). */
  ratePerSecond: number;
  /** Seconds until every pending row is sent at the current rate; undefined when unknown. */
  etaSeconds?: number;
  firstSentAt?: string;
  lastSentAt?: string;
  done: boolean;
}

const RATE_WINDOW_MS = 15_000;

/** Reads only status and sentAt of every row: about one request per 1,000 recipients. */
export async function computeProgress(jobId: string, store: OutboxStore, now: Date): Promise<DeliveryProgress> {
  const p: DeliveryProgress = { jobId, total: 0, sent: 0, pending: 0, failed: 0, blocked: 0, gone: 0, tooLarge: 0, skipped: 0, ratePerSecond: 0, done: false };
  let recent = 0;
  let first: string | undefined;
  let last: string | undefined;
  const since = new Date(now.getTime() - RATE_WINDOW_MS).toISOString();
  for await (const page of store.scan(jobId, ['status', 'sentAt'])) {
    for (const r of page as Pick<OutboxRow, 'status' | 'sentAt'>[]) {
      p.total += 1;
      switch (r.status) {
        case 'sent':
          p.sent += 1;
          if (r.sentAt) {
            if (r.sentAt >= since) recent += 1;
            if (!first || r.sentAt < first) first = r.sentAt;
            if (!last || r.sentAt > last) last = r.sentAt;
          }
          break;
        case 'pending':
        case 'claimed':
          p.pending += 1;
          break;
        case 'failed':
          p.failed += 1;
          break;
        case 'blocked':
          p.blocked += 1;
          break;
        case 'gone':
          p.gone += 1;
          break;
        case 'too_large':
          p.tooLarge += 1;
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
  p.done = p.total > 0 && p.pending === 0;
  return p;
}
