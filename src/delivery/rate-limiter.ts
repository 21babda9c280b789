/**
 * Pacing for proactive sends. Teams allows 50 requests/s per app per tenant across all conversations and,
 * per conversation, 7/s, 8/2 s, 60/30 s and 1800/h. A global token bucket paces this process at its share of
 * the app's budget (see rate-budget.ts); a sliding-window log per conversation keeps a busy channel inside its
 * own limits. Tokens are handed out immediately before the request goes on the wire, so the connector sees
 * the pace the bucket sets. Times are injectable so tests need no real waiting.
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
  /** After this long without a 429, the rate climbs back by `recoveryStep` × the ceiling. */
  recoveryAfterMs?: number;
  recoveryStep?: number;
  timers?: LimiterTimers;
}

type Waiter = () => void;

/**
 * FIFO token bucket with an adjustable rate and a priority lane (a single escalation post does not queue
 * behind two seconds of digest cards). `penalise()` applies a 429: nobody sends until the Retry-After has
 * passed, and the pace drops below what the server let through in its last second (the limit it enforces,
 * as seen from here). Without further 429s the pace climbs back quickly to just under that limit, then probes
 * above it slowly (each overshoot costs a Retry-After pause), and after a minute without a 429 it climbs
 * freely to the ceiling. The ceiling is this process's share of the app's budget and may change while it
 * runs (`setCeiling`).
 */
export class GlobalRateLimiter {
  private ceiling: number;
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
  /** Requests the server let through in the second before its last 429: the limit it enforces, as seen from here. */
  private limitSeen = Infinity;
  private readonly waiting: [Waiter[], Waiter[]] = [[], []];
  private pumping = false;
  private lastDemandAt = -Infinity;
  private penaltyListeners: ((retryAfterMs: number) => void)[] = [];

  constructor(opts: GlobalLimiterOptions) {
    if (!(opts.ratePerSecond > 0)) throw new Error('ratePerSecond must be positive');
    this.timers = opts.timers ?? realTimers;
    this.ceiling = opts.ratePerSecond;
    this.rate = opts.ratePerSecond;
    this.burst = Math.max(1, opts.burst ?? 1);
    this.minRate = opts.minRatePerSecond ?? 0.5;
    this.recoveryAfterMs = opts.recoveryAfterMs ?? 3000;
    this.recoveryStep = opts.recoveryStep ?? 0.05;
    this.headroom = opts.headroom ?? 0.97;
    this.guardMs = opts.guardMs ?? 25;
  }

  /** The rate being paced to now (after any 429 slow-down). */
  get currentRate(): number {
    return this.rate;
  }

  /** The most this process may use: its share of the app's budget. */
  get ceilingRate(): number {
    return this.ceiling;
  }

  /** Until when (timers' clock) sending is held by a 429; 0 or past when not held. */
  get pausedUntilMs(): number {
    return this.pausedUntil;
  }

  /** Requests waiting for a token now. */
  get queued(): number {
    return this.waiting[0].length + this.waiting[1].length;
  }

  /** True while something waits for a token or was granted one within `withinMs`. */
  busy(withinMs = 2000): boolean {
    return this.queued > 0 || this.timers.now() - this.lastDemandAt < withinMs;
  }

  /** Resolves when the caller may send one request. Priority callers go before the others; each lane is FIFO. */
  acquire(opts: { priority?: boolean } = {}): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiting[opts.priority ? 0 : 1].push(resolve);
      this.lastDemandAt = this.timers.now();
      void this.pump();
    });
  }

  /** A 429 arrived: hold every send for `retryAfterMs` and slow down. */
  penalise(retryAfterMs: number): void {
    const now = this.timers.now();
    this.pause(now + Math.max(0, retryAfterMs));
    // Several in-flight requests often get 429 together: count them as one signal.
    if (now - this.lastPenalty > 1000) {
      const lastSecond = this.granted.filter((t) => t > now - 1000).length;
      // Never below half the pace at once: a 429 right after a pause says little about the limit.
      this.limitSeen = Math.max(lastSecond, this.rate * 0.5);
      this.rate = Math.max(Math.min(this.minRate, this.ceiling), Math.min(this.rate, this.limitSeen) * 0.9);
      // The server saw one request too many in its window: the path has more jitter than the guard allows for.
      this.guardMs = Math.min(250, this.guardMs + 25);
    }
    this.lastPenalty = now;
    for (const l of this.penaltyListeners) l(retryAfterMs);
  }

  /** Called on every global 429 (the app-wide budget shares the pause with other instances). */
  onPenalty(listener: (retryAfterMs: number) => void): void {
    this.penaltyListeners.push(listener);
  }

  /** Holds every send until `untilMs` (timers' clock): our own 429, or another instance's (shared through storage). */
  pause(untilMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, untilMs);
  }

  /** Resolves once no 429 pause holds sending (at once when none does). */
  async whilePaused(): Promise<void> {
    for (let now = this.timers.now(); now < this.pausedUntil; now = this.timers.now()) await this.timers.sleep(this.pausedUntil - now);
  }

  /** Holds every send for the next `ms`. */
  pauseFor(ms: number): void {
    this.pause(this.timers.now() + Math.max(0, ms));
  }

  /** Sets this process's share of the app's budget; the pace follows at once (down) or by recovery steps (up). */
  setCeiling(ratePerSecond: number): void {
    const r = Math.max(0.1, ratePerSecond);
    if (r === this.ceiling) return;
    const wasFull = this.rate >= this.ceiling;
    // A limit seen through a 429 was seen at the old share: it scales with the share (the other instances' part
    // of the app's budget moved, not Teams' limit).
    if (Number.isFinite(this.limitSeen)) this.limitSeen *= r / this.ceiling;
    this.ceiling = r;
    // Down: at once. Up: straight to the new share unless a recent 429 is still being recovered from.
    if (this.rate > r || wasFull) this.rate = r;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queued > 0) {
        await this.waitForSlot();
        const w = this.waiting[0].shift() ?? this.waiting[1].shift();
        this.lastDemandAt = this.timers.now();
        w?.();
      }
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Virtual scheduling (GCRA): each send owns a slot `interval` after the previous one, kept in absolute
   * time, so a timer that fires a little late does not slow the average rate; a slot more than
   * `tolerance` in the past is not banked, so an idle period never turns into a burst.
   */
  private async waitForSlot(): Promise<void> {
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
        if (log.length > 2 * Math.max(this.ceiling, windowMax) + 10) log.splice(0, log.length - (windowMax + 1));
        return;
      }
      // Sleep in short steps so a lowered ceiling or a new pause takes effect promptly.
      await this.timers.sleep(Math.min(250, Math.max(this.next - now, logWait)));
    }
  }

  private recover(now: number): void {
    if (this.rate >= this.ceiling) return;
    if (now - this.lastPenalty < this.recoveryAfterMs || now - this.lastRecovery < this.recoveryAfterMs) return;
    const known = now - this.lastPenalty < 60_000 ? this.limitSeen * 0.95 : Infinity;
    if (this.rate < known) this.rate = Math.min(this.ceiling, known, this.rate * 1.25 + this.ceiling * this.recoveryStep * 0.2);
    else this.rate = Math.min(this.ceiling, this.rate + Math.max(0.25, this.ceiling * this.recoveryStep * 0.2));
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
 * A 429 that was about one conversation pauses only that conversation.
 */
export class ConversationRateLimiter {
  private readonly logs = new Map<string, number[]>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly paused = new Map<string, number>();
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

  /** Holds requests to one conversation for `ms` (its own 429). */
  pause(conversationId: string, ms: number): void {
    const until = this.timers.now() + Math.max(0, ms);
    this.paused.set(conversationId, Math.max(this.paused.get(conversationId) ?? 0, until));
  }

  /** Requests to this conversation within the last `windowMs`. */
  recentCount(conversationId: string, windowMs: number, now = this.timers.now()): number {
    return (this.logs.get(conversationId) ?? []).filter((t) => t > now - windowMs).length;
  }

  /** Wait needed before the next request to this conversation (0 when it may go now). */
  waitMs(conversationId: string, now = this.timers.now()): number {
    let wait = Math.max(0, (this.paused.get(conversationId) ?? 0) - now);
    const log = this.logs.get(conversationId);
    if (!log) return wait;
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
    for (const [id, until] of this.paused) if (until <= now) this.paused.delete(id);
  }
}
