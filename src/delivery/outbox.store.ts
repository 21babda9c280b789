import type { TableClient, TransactionAction } from '@azure/data-tables';
import { isConflict, isPreconditionFailed, odataString, safeKey } from '../storage/tables';
import type { DeliveryTarget } from './notifier';

/**
 * `pending` waits for a worker; `claimed` is being worked on (until `claimedUntil`); `retry` failed for a
 * reason that may pass (the connector kept answering 5xx, or kept throttling) and waits for `retryAt`.
 * The rest are final: `sent` (the connector accepted it), `failed` (a final answer such as 400, or retries
 * given up), `blocked` (403: the person blocked the bot), `unreachable` (the chat is gone and could not be
 * created again), `too_large` (413), `skipped` (no longer wanted at send time). `gone` is the old name of
 * `unreachable`, still read in old rows.
 */
export type OutboxStatus = 'pending' | 'claimed' | 'retry' | 'sent' | 'failed' | 'blocked' | 'unreachable' | 'gone' | 'too_large' | 'skipped';
export const TERMINAL_STATUSES: readonly OutboxStatus[] = ['sent', 'failed', 'blocked', 'unreachable', 'gone', 'too_large', 'skipped'];
/** Final statuses the admin may send again ("Retry the ones not delivered"). */
export const RETRYABLE_FINAL_STATUSES: readonly OutboxStatus[] = ['failed', 'unreachable', 'gone'];

/** One recipient of one fan-out job. Partition = job id, row = recipient key (both made key-safe). */
export interface OutboxRow {
  partitionKey: string;
  rowKey: string;
  etag: string;
  jobId: string;
  recipientKey: string;
  conversationId: string;
  serviceUrl: string;
  tenantId?: string;
  channelId?: string;
  /** A person's Teams user id, to create their 1:1 chat again if it is gone. */
  userId?: string;
  status: OutboxStatus;
  /** Last HTTP status from the connector (0 for a network error). */
  statusCode?: number;
  attempts: number;
  claimedBy?: string;
  /** ISO instant (UTC, so strings sort as times); a claim past it may be taken over (its worker is presumed dead). */
  claimedUntil?: string;
  activityId?: string;
  /** A short code (`http_503`, `http_404_ConversationNotFound`, `network`, `build`), never message text. */
  lastError?: string;
  /** For `retry`: ISO instant after which the row may be claimed again. */
  retryAt?: string;
  /** How many times the row was put back for a later retry. */
  deferrals?: number;
  /** The conversation the row was first addressed to, when its chat had to be created again. */
  refoundFrom?: string;
  enqueuedAt: string;
  sentAt?: string;
  updatedAt?: string;
}

type Patch = Partial<Omit<OutboxRow, 'partitionKey' | 'rowKey' | 'etag'>>;

export interface OutboxRecipient {
  key: string;
  target: DeliveryTarget;
}

/** Table access for the outbox; the engine holds the policy, this holds the queries and ETag writes. */
export class OutboxStore {
  constructor(private readonly table: TableClient) {}

  static partition(jobId: string): string {
    return safeKey(jobId);
  }

  /**
   * Writes one pending row per recipient that has none yet (existing rows, whatever their status,
   * are left alone), 100 per batch transaction. Returns how many rows were added.
   */
  async enqueue(jobId: string, recipients: OutboxRecipient[], nowIso: string): Promise<{ added: number; existing: number }> {
    const pk = OutboxStore.partition(jobId);
    const unique = new Map<string, OutboxRecipient>();
    for (const r of recipients) unique.set(safeKey(r.key), r);
    const existingKeys = new Set<string>();
    if (unique.size) {
      const iter = this.table.listEntities({ queryOptions: { filter: `PartitionKey eq ${odataString(pk)}`, select: ['RowKey'] } });
      for await (const e of iter) existingKeys.add(e.rowKey as string);
    }
    const fresh = [...unique.entries()].filter(([rk]) => !existingKeys.has(rk));
    const entities = fresh.map(([rk, r]) => ({
      partitionKey: pk,
      rowKey: rk,
      jobId,
      recipientKey: r.key,
      conversationId: r.target.conversationId,
      serviceUrl: r.target.serviceUrl,
      tenantId: r.target.tenantId,
      channelId: r.target.channelId,
      userId: r.target.userId,
      status: 'pending' as OutboxStatus,
      attempts: 0,
      enqueuedAt: nowIso,
    }));
    let added = 0;
    const batches: (typeof entities)[] = [];
    for (let i = 0; i < entities.length; i += 100) batches.push(entities.slice(i, i + 100));
    // A few batches in flight at once: 100,000 recipients become 1,000 transactions.
    const queue = [...batches];
    await Promise.all(
      Array.from({ length: Math.min(8, queue.length) }, async () => {
        for (let b = queue.shift(); b; b = queue.shift()) {
          try {
            await this.table.submitTransaction(b.map((e) => ['create', e] as TransactionAction));
            added += b.length;
          } catch (e) {
            // Another enqueue raced us on some row: fall back to one create per row, skipping existing ones.
            if (!isConflict(e)) throw e;
            for (const ent of b) {
              try {
                await this.table.createEntity(ent);
                added += 1;
              } catch (err) {
                if (!isConflict(err)) throw err;
              }
            }
          }
        }
      }),
    );
    return { added, existing: unique.size - added };
  }

  /**
   * Rows this worker may claim now, in row-key order after `afterRowKey`: pending ones, claims whose lease
   * has run out, and rows put back for a retry that is now due. Follows continuation tokens until something
   * is found or the partition ends.
   */
  async findClaimable(jobId: string, afterRowKey: string, max: number, nowMs: number): Promise<OutboxRow[]> {
    const pk = OutboxStore.partition(jobId);
    const now = odataString(new Date(nowMs).toISOString());
    const filter =
      `PartitionKey eq ${odataString(pk)} and RowKey gt ${odataString(afterRowKey)} and ` +
      `(status eq 'pending' or (status eq 'claimed' and claimedUntil lt ${now}) or (status eq 'retry' and retryAt lt ${now}))`;
    const pages = this.table.listEntities<OutboxRow>({ queryOptions: { filter } }).byPage({ maxPageSize: Math.min(1000, max) });
    for await (const page of pages) {
      if (page.length) return (page as OutboxRow[]).slice(0, max);
    }
    return [];
  }

  /**
   * How many rows still need work (pending, claimed by anyone, or waiting for a retry), and the earliest
   * instant (ms) at which one that is not claimable now becomes claimable (a claim running out, a retry due).
   */
  async openSummary(jobId: string): Promise<{ open: number; claimed: number; nextAtMs?: number }> {
    const pk = OutboxStore.partition(jobId);
    const filter = `PartitionKey eq ${odataString(pk)} and (status eq 'pending' or status eq 'claimed' or status eq 'retry')`;
    let open = 0;
    let claimed = 0;
    let next = Infinity;
    const select = ['status', 'claimedUntil', 'retryAt'];
    for await (const page of this.table.listEntities<OutboxRow>({ queryOptions: { filter, select } }).byPage({ maxPageSize: 1000 })) {
      for (const r of page as Partial<OutboxRow>[]) {
        open += 1;
        if (r.status === 'claimed') claimed += 1;
        const at = r.status === 'claimed' ? r.claimedUntil : r.status === 'retry' ? r.retryAt : undefined;
        if (at) next = Math.min(next, new Date(at).getTime());
        else next = Math.min(next, 0);
      }
    }
    return { open, claimed, nextAtMs: Number.isFinite(next) ? next : undefined };
  }

  /** How many rows still need work (pending, claimed by anyone, or waiting for a retry). */
  async countOpen(jobId: string): Promise<number> {
    return (await this.openSummary(jobId)).open;
  }

  /**
   * Puts final rows of the given statuses back to pending (the admin's "retry the ones not delivered"),
   * each write conditional on the row as read. Returns how many were put back.
   */
  async reopen(jobId: string, statuses: readonly OutboxStatus[], nowIso: string): Promise<number> {
    if (!statuses.length) return 0;
    const pk = OutboxStore.partition(jobId);
    const filter = `PartitionKey eq ${odataString(pk)} and (${statuses.map((s) => `status eq ${odataString(s)}`).join(' or ')})`;
    let n = 0;
    for await (const r of this.table.listEntities<OutboxRow>({ queryOptions: { filter } })) {
      const row = r as unknown as OutboxRow;
      const done = await this.update(row, { status: 'pending', deferrals: 0, retryAt: undefined, updatedAt: nowIso });
      if (done) n += 1;
    }
    return n;
  }

  /**
   * Claims rows for `workerId` until `claimedUntil`, each write conditional on the ETag read. Tries one
   * batch transaction (atomic: all or nothing); when another worker got any row first, claims one by
   * one and keeps the winners. Returns the claimed rows with their new ETags.
   */
  async claim(rows: OutboxRow[], workerId: string, claimedUntil: string, nowMs: number): Promise<OutboxRow[]> {
    if (!rows.length) return [];
    const patch = { status: 'claimed' as OutboxStatus, claimedBy: workerId, claimedUntil };
    try {
      const res = await this.table.submitTransaction(
        rows.map((r) => ['update', { partitionKey: r.partitionKey, rowKey: r.rowKey, ...patch }, 'Merge', { etag: r.etag }] as TransactionAction),
      );
      const etags = new Map(res.subResponses.map((s) => [s.rowKey, s.etag]));
      const all = rows.map((r) => ({ ...r, ...patch, etag: etags.get(r.rowKey) ?? '' }));
      if (all.every((r) => r.etag)) return all;
      // Some emulators omit sub-response ETags: read them back so later writes stay conditional.
      return Promise.all(all.map(async (r) => (r.etag ? r : { ...r, etag: (await this.table.getEntity(r.partitionKey, r.rowKey)).etag as string })));
    } catch (e) {
      if (!isPreconditionFailed(e) && !isConflict(e) && !isBatchConflict(e)) throw e;
    }
    // Another worker is in this range. Re-read it once and claim what is still open in one batch; anything
    // lost again is left to that worker (or to the end-of-partition sweep) instead of 100 doomed writes.
    const fresh = (
      await Promise.all(rows.slice(0, 100).map((r) => this.table.getEntity<OutboxRow>(r.partitionKey, r.rowKey).catch(() => undefined)))
    ).filter((r): r is OutboxRow & { etag: string } => Boolean(r) && isOpen(r as OutboxRow, new Date(nowMs).toISOString()));
    if (!fresh.length) return [];
    try {
      const res = await this.table.submitTransaction(
        fresh.map((r) => ['update', { partitionKey: r.partitionKey, rowKey: r.rowKey, ...patch }, 'Merge', { etag: r.etag }] as TransactionAction),
      );
      const etags = new Map(res.subResponses.map((s) => [s.rowKey, s.etag]));
      return fresh.map((r) => ({ ...(r as OutboxRow), ...patch, etag: etags.get(r.rowKey) ?? '' })).filter((r) => r.etag);
    } catch (e) {
      if (!isPreconditionFailed(e) && !isConflict(e) && !isBatchConflict(e)) throw e;
      return [];
    }
  }

  /** ETag-conditional merge; undefined when someone else changed the row first. */
  async update(row: OutboxRow, patch: Patch): Promise<OutboxRow | undefined> {
    try {
      const res = await this.table.updateEntity({ partitionKey: row.partitionKey, rowKey: row.rowKey, ...patch }, 'Merge', { etag: row.etag });
      return { ...row, ...patch, etag: res.etag ?? '' } as OutboxRow;
    } catch (e) {
      if (isPreconditionFailed(e) || statusIs(e, 404)) return undefined;
      throw e;
    }
  }

  /** Unconditional merge: used only to record a send that has already happened. */
  async force(row: OutboxRow, patch: Patch): Promise<void> {
    await this.table.updateEntity({ partitionKey: row.partitionKey, rowKey: row.rowKey, ...patch }, 'Merge');
  }

  async get(jobId: string, recipientKey: string): Promise<OutboxRow | undefined> {
    try {
      return (await this.table.getEntity<OutboxRow>(OutboxStore.partition(jobId), safeKey(recipientKey))) as OutboxRow;
    } catch (e) {
      if (statusIs(e, 404)) return undefined;
      throw e;
    }
  }

  /** Streams the rows of a job (only the listed properties), page by page. */
  async *scan(jobId: string, select?: string[]): AsyncGenerator<Partial<OutboxRow>[]> {
    const filter = `PartitionKey eq ${odataString(OutboxStore.partition(jobId))}`;
    for await (const page of this.table.listEntities<OutboxRow>({ queryOptions: { filter, select } }).byPage({ maxPageSize: 1000 })) {
      yield page as Partial<OutboxRow>[];
    }
  }
}

/** Still claimable at `nowIso`: pending, claimed under a lease that has run out, or a retry that is due. */
function isOpen(r: OutboxRow, nowIso: string): boolean {
  return r.status === 'pending' || (r.status === 'claimed' && (r.claimedUntil ?? '') < nowIso) || (r.status === 'retry' && (r.retryAt ?? '') < nowIso);
}

function statusIs(e: unknown, code: number): boolean {
  return (e as { statusCode?: number })?.statusCode === code;
}

/** A transaction whose sub-request failed reports the sub-request's status; some versions say 400 with a code. */
function isBatchConflict(e: unknown): boolean {
  const code = (e as { code?: string })?.code ?? '';
  return /UpdateConditionNotSatisfied|ConditionNotMet|EntityAlreadyExists/i.test(code) || /UpdateConditionNotSatisfied/.test(String((e as Error)?.message));
}
