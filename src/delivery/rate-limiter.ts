/**
 * Pacing for proactive sends. Teams allows 50 requests/s per app per tenant across all conversations and,
 * per conversation, 7/s, 8/2 s, 60/30 s and 1800/h. A global token bucket paces the whole process; a
 * sliding-window log per conversation keeps a busy channel (escalations, reminders to one chat) inside
 * its own limits. Times are injectable so tests need no real waiting.
 */
export interface LimiterTimers {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTimers: LimiterTimers = {
  now: () => performance.timeOrigin + performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

export interface GlobalLimiterOptions {
  ratePerSecond: number;
  /** Sends that may go back to back after an idle spell. 1 keeps any 1-second window at or under the rate. */
  burst?: number;
  /**
   * Share of the rate actually used. Timers and the network add jitter of a few milliseconds; pacing at 97%
   * keeps the server's 1-second window from ever seeing one request too many (which costs a Retry-After).
   */
  headroom?: number;
  /** Extra milliseconds beyond one second that the last `rate` sends must span; grows by 25 ms per 429 (to 250). */
  guardMs?: number;
  /** Lowest rate a 429 may push us down to. */
  minRatePerSecond?: number;
  /** After this long without a 429, the rate climbs back by `recoveryStep` × configured rate. */
  recoveryAfterMs?: number;
  recoveryStep?: number;
  timers?: LimiterTimers;
}

/**
 * FIFO token bucket with an adjustable rate. `penalise()` applies a 429: nobody sends until the
 * Retry-After has passed and the rate drops by a tenth (multiplicative decrease), climbing back 5% every 3 s.
 */
export class GlobalRateLimiter {
  readonly configuredRate: number;
  private rate: number;
  private readonly burst: number;
  private readonly minRate: number;
  private readonly recoveryAfterMs: number;
  private readonly recoveryStep: number;
  private readonly timers: LimiterTimers;
  private next = -Infinity;
  private readonly granted: number[] = [];
  private guardMs: number;
  private readonly headroom: number;
  private pausedUntil = 0;
  private lastPenalty = -Infinity;
  private lastRecovery = 0;
  private tail: Promise<void> = Promise.resolve();

  constructor(opts: GlobalLimiterOptions) {
    if (!(opts.ratePerSecond > 0)) throw new Error('ratePerSecond must be positive');
    this.timers = opts.timers ?? realTimers;
    this.configuredRate = opts.ratePerSecond;
    this.rate = opts.ratePerSecond;
    this.burst = Math.max(1, opts.burst ?? 1);
    this.minRate = Math.min(opts.minRatePerSecond ?? 1, opts.ratePerSecond);
    this.recoveryAfterMs = opts.recoveryAfterMs ?? 3000;
    this.recoveryStep = opts.recoveryStep ?? 0.05;
    this.headroom = opts.headroom ?? 0.97;
    this.guardMs = opts.guardMs ?? 25;
  }

  get currentRate(): number {
    return this.rate;
  }

  /** Resolves when the caller may send one request. Callers are served in arrival order. */
  acquire(): Promise<void> {
    const turn = this.tail.then(() => this.take());
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  /** A 429 arrived: hold every send for `retryAfterMs` and slow down. */
  penalise(retryAfterMs: number): void {
    const now = this.timers.now();
    this.pausedUntil = Math.max(this.pausedUntil, now + Math.max(0, retryAfterMs));
    // Several in-flight requests often get 429 together: count them as one signal.
    if (now - this.lastPenalty > 1000) {
      this.rate = Math.max(this.minRate, this.rate * 0.9);
      // The server saw one request too many in its window: the path has more jitter than the guard allows for.
      this.guardMs = Math.min(250, this.guardMs + 25);
    }
    this.lastPenalty = now;
  }

  /**
   * Virtual scheduling (GCRA): each send owns a slot `interval` after the previous one, kept in absolute
   * time, so a timer that fires a little late does not slow the average rate; a slot more than
   * `tolerance` in the past is not banked, so an idle period never turns into a burst.
   */
  private async take(): Promise<void> {
    for (;;) {
      const now = this.timers.now();
      this.recover(now);
      if (now < this.pausedUntil) {
        await this.timers.sleep(this.pausedUntil - now);
        this.next = Math.max(this.next, this.timers.now());
        continue;
      }
      const interval = 1000 / (this.rate * this.headroom);
      const tolerance = interval * (this.burst - 1) + interval / 2;
      this.next = Math.max(this.next, now - tolerance);
      // After a stall (GC, a busy CPU) the schedule catches up a little; the log keeps even that catch-up
      // from putting more than the rate into any trailing second, with a small guard for network jitter.
      const windowMax = Math.max(1, Math.floor(this.rate));
      const log = this.granted;
      const nth = log.length >= windowMax ? log[log.length - windowMax] : -Infinity;
      const logWait = nth + 1000 + this.guardMs - now;
      if (this.next <= now && logWait <= 0) {
        this.next += interval;
        log.push(now);
        if (log.length > 2 * this.configuredRate + 10) log.splice(0, log.length - (Math.ceil(this.configuredRate) + 1));
        return;
      }
      await this.timers.sleep(Math.max(this.next - now, logWait));
    }
  }

  private recover(now: number): void {
    if (this.rate >= this.configuredRate) return;
    if (now - this.lastPenalty < this.recoveryAfterMs || now - this.lastRecovery < this.recoveryAfterMs) return;
    this.rate = Math.min(this.configuredRate, this.rate + this.configuredRate * this.recoveryStep);
    this.lastRecovery = now;
  }
}

/** Teams' documented per-conversation limits: [max requests, window ms]. */
export const TEAMS_CONVERSATION_LIMITS: readonly (readonly [number, number])[] = [
  [7, 1000],
  [8, 2000],
  [60, 30_000],
  [1800, 3_600_000],
];

/**
 * Sliding-window logs per conversation. A digest touches each conversation once, so most logs hold one
 * entry; entries older than the longest window are dropped so memory follows recent activity only.
 */
export class ConversationRateLimiter {
  private readonly logs = new Map<string, number[]>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly horizon: number;
  private lastSweep = 0;

  constructor(
    private readonly limits: readonly (readonly [number, number])[] = TEAMS_CONVERSATION_LIMITS,
    private readonly timers: LimiterTimers = realTimers,
  ) {
    this.horizon = Math.max(...limits.map(([, w]) => w));
  }

  /** Resolves when one more request to `conversationId` stays inside every window; records it. */
  acquire(conversationId: string): Promise<void> {
    const prev = this.chains.get(conversationId) ?? Promise.resolve();
    const turn = prev.then(() => this.take(conversationId));
    const settled = turn.catch(() => undefined);
    this.chains.set(conversationId, settled);
    void settled.then(() => {
      if (this.chains.get(conversationId) === settled) this.chains.delete(conversationId);
    });
    return turn;
  }

  /** Wait needed before the next request to this conversation (0 when it may go now). */
  waitMs(conversationId: string, now = this.timers.now()): number {
    const log = this.logs.get(conversationId);
    if (!log) return 0;
    let wait = 0;
    for (const [max, windowMs] of this.limits) {
      const inWindow = log.filter((t) => t > now - windowMs);
      if (inWindow.length >= max) wait = Math.max(wait, inWindow[inWindow.length - max] + windowMs - now + 1);
    }
    return wait;
  }

  get trackedConversations(): number {
    return this.logs.size;
  }

  private async take(conversationId: string): Promise<void> {
    for (;;) {
      const now = this.timers.now();
      const wait = this.waitMs(conversationId, now);
      if (wait <= 0) {
        const log = this.logs.get(conversationId) ?? [];
        log.push(now);
        while (log.length && log[0] <= now - this.horizon) log.shift();
        this.logs.set(conversationId, log);
        this.sweep(now);
        return;
      }
      await this.timers.sleep(wait);
    }
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [id, log] of this.logs) {
      if (!log.length || log[log.length - 1] <= now - this.horizon) this.logs.delete(id);
    }
  }
}
