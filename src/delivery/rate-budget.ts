import type { TableClient } from '@azure/data-tables';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { isNotFound, odataString } from '../storage/tables';
import type { GlobalRateLimiter } from './rate-limiter';

/** One instance's row in the RateShares table (partition = app). */
interface ShareRow {
  partitionKey: string;
  rowKey: string;
  /** ISO instant after which the instance is presumed dead and its share goes back to the others. */
  expiresAt: string;
  /** Sending (or about to) since `busySince`. */
  busy: boolean;
  busySince?: string;
  /** Epoch ms until which a 429 this instance received holds every instance (0 when none). */
  pausedUntil: number;
  /** The share this instance paces itself to (informational: for reports and the benchmark). */
  share: number;
}

export interface RateBudgetOptions {
  table: TableClient;
  instanceId: string;
  /** Requests per second for the whole app, every instance together (DIGEST_RATE_PER_SECOND). */
  totalPerSecond: number;
  limiter: GlobalRateLimiter;
  clock: Clock;
  logger: Logger;
  /** How often each instance writes its row and reads everyone's. */
  beatMs?: number;
  /** A row not refreshed for this long belongs to a dead instance. */
  ttlMs?: number;
  /** How long an instance announces that it is busy before it takes a busy share (others must have seen it). */
  settleMs?: number;
}

const PARTITION = 'app';

/**
 * One rate budget for the app across instances. Teams counts 50 requests/s per app per tenant, whichever
 * instance sends them, so each live instance paces itself to a share kept in Table storage:
 *
 * - every instance keeps a row (heartbeat every `beatMs`, dead after `ttlMs`) saying whether it is sending;
 * - an idle instance keeps a small floor (5% of the budget) so a single escalation post needs no coordination;
 *   the rest is divided equally among the busy ones;
 * - changes are made safe in order: an instance that starts sending announces it and waits `settleMs` (two
 *   heartbeats: everyone has lowered their share) before taking its own; one that stops lowers itself at once;
 *   a new instance sends nothing until it has been seen; a dead one's share is re-divided once its row expires;
 * - an instance alone takes the whole budget, and one whose row cannot be written drops to its floor (the
 *   others may already count it as dead);
 * - a global 429 is written to the row, and every instance holds its sending until that Retry-After has passed.
 */
export class RateBudget {
  private readonly beatMs: number;
  private readonly ttlMs: number;
  private readonly settleMs: number;
  private timer?: NodeJS.Timeout;
  private busySince?: number;
  private pausedUntil = 0;
  private startedAt = 0;
  private lastOk = -Infinity;
  private seen = false;
  private beating?: Promise<void>;
  private lastWarn = 0;
  private shareNow: number;
  private live = 1;

  constructor(private readonly opts: RateBudgetOptions) {
    this.beatMs = opts.beatMs ?? 1000;
    this.ttlMs = opts.ttlMs ?? 5000;
    this.settleMs = opts.settleMs ?? 2 * this.beatMs;
    this.shareNow = opts.totalPerSecond;
    opts.limiter.onPenalty((retryAfterMs) => {
      this.pausedUntil = Math.max(this.pausedUntil, this.now() + retryAfterMs);
      void this.beat();
    });
  }

  /** The rate this instance paces itself to now. */
  get share(): number {
    return this.shareNow;
  }

  /** Instances alive at the last heartbeat (this one included). */
  get liveInstances(): number {
    return this.live;
  }

  /** First heartbeat, then one every `beatMs`. Until the first heartbeat lands this instance sends nothing. */
  async start(): Promise<void> {
    this.startedAt = this.now();
    this.apply(0.1);
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.beatMs);
    this.timer.unref?.();
  }

  /** Removes this instance's row so the others re-divide at once (a graceful stop). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.beating;
    try {
      await this.opts.table.deleteEntity(PARTITION, this.opts.instanceId);
    } catch (e) {
      if (!isNotFound(e)) this.opts.logger.warn({ instanceId: this.opts.instanceId, err: (e as Error).name }, 'rate share row not removed; it expires by itself');
    }
  }

  /** One heartbeat: write this instance's row, read everyone's, set this instance's share and any shared pause. */
  beat(): Promise<void> {
    if (this.beating) return this.beating;
    this.beating = this.doBeat().finally(() => {
      this.beating = undefined;
    });
    return this.beating;
  }

  private now(): number {
    return this.opts.clock.now().getTime();
  }

  private async doBeat(): Promise<void> {
    const { table, instanceId, limiter, totalPerSecond: total } = this.opts;
    const now = this.now();
    const busy = limiter.busy(2 * this.beatMs);
    if (busy && this.busySince === undefined) this.busySince = now;
    if (!busy) this.busySince = undefined;
    try {
      const row: ShareRow = {
        partitionKey: PARTITION,
        rowKey: instanceId,
        expiresAt: new Date(now + this.ttlMs).toISOString(),
        busy,
        busySince: this.busySince !== undefined ? new Date(this.busySince).toISOString() : undefined,
        pausedUntil: this.pausedUntil > now ? this.pausedUntil : 0,
        share: this.shareNow,
      };
      await table.upsertEntity(row, 'Replace');
      const rows: ShareRow[] = [];
      const filter = `PartitionKey eq ${odataString(PARTITION)}`;
      for await (const r of table.listEntities<ShareRow>({ queryOptions: { filter } })) rows.push(r as ShareRow);
      this.lastOk = now;
      const nowIso = new Date(now).toISOString();
      const others = rows.filter((r) => r.rowKey !== instanceId && r.expiresAt > nowIso);
      // Rows of instances long dead are removed by whoever sees them (best effort).
      const dead = rows.filter((r) => r.rowKey !== instanceId && r.expiresAt < new Date(now - 60_000).toISOString());
      for (const d of dead) void table.deleteEntity(PARTITION, d.rowKey).catch(() => undefined);

      const sharedPause = Math.max(0, ...others.map((r) => Number(r.pausedUntil) || 0));
      if (sharedPause > now) limiter.pauseFor(sharedPause - now);

      this.live = others.length + 1;
      // A newcomer has been seen once its row has been up for a settle period (the others have re-divided).
      if (!this.seen && (others.length === 0 || now - this.startedAt >= this.settleMs)) this.seen = true;
      this.apply(this.computeShare(total, others.length, others.filter((r) => r.busy).length, busy, now));
    } catch (e) {
      if (now - this.lastWarn > 30_000) {
        this.lastWarn = now;
        this.opts.logger.warn({ instanceId, err: (e as Error).name, status: (e as { statusCode?: number }).statusCode }, 'rate share heartbeat failed');
      }
      // The others may soon count this instance as dead and take its share: fall back to the floor.
      if (now - this.lastOk > this.ttlMs - this.beatMs) this.apply(Math.min(this.shareNow, floorOf(total, this.live)));
    }
  }

  private computeShare(total: number, others: number, othersBusy: number, busy: boolean, now: number): number {
    if (!this.seen) return 0.1;
    if (others === 0) return total; // alone: the whole budget (a newcomer waits until it has been seen)
    const floor = floorOf(total, others + 1);
    const rest = total - floor * (others + 1);
    // Settled: the others have had time to see this instance busy, or it was already sending above its floor
    // (then its row has said "busy" all along).
    const settled = busy && ((this.busySince !== undefined && now - this.busySince >= this.settleMs) || this.shareNow > floor);
    return settled ? floor + rest / (othersBusy + 1) : floor;
  }

  private apply(share: number): void {
    this.shareNow = share;
    this.opts.limiter.setCeiling(share);
  }
}

/** What every live instance may use without coordination: 5% of the budget, never more than half of it in total. */
function floorOf(total: number, live: number): number {
  return Math.min(total * 0.05, (total * 0.5) / Math.max(1, live));
}
