import type { Logger } from '../logger';
import { isTransientStorageError } from '../delivery/retry-policy';

export interface WriteQueueOptions {
  logger: Logger;
  /** Writes held at most; beyond it new writes are dropped (counted and logged), never the HTTP response delayed. */
  maxSize?: number;
  /** Writes in flight at once. */
  concurrency?: number;
  /** A write that keeps failing for storage reasons is given up after this long. */
  giveUpAfterMs?: number;
  /**
   * While this says the process is busy answering people, writes wait (the answers get the CPU and the storage
   * connection first) until the oldest has waited `maxHoldMs`, and then go one at a time; at full concurrency
   * when nobody is being answered, or when the queue is half full.
   */
  holdWhile?: () => boolean;
  maxHoldMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

interface Task {
  label: string;
  run: () => Promise<void>;
  since: number;
  urgent: boolean;
}

export interface WriteQueueStats {
  queued: number;
  done: number;
  retried: number;
  dropped: number;
  failed: number;
}

/**
 * Bookkeeping after the answer: writes that must not hold up the reply to a person (the answer log, the stored
 * conversation reference) are queued here and written in the background. Bounded, so a long storage outage
 * costs memory only up to `maxSize`; each write is retried with backoff while storage is unreachable (a blip
 * delays the write, it does not lose it); `drain()` lets a graceful stop finish what is queued.
 *
 * A task is retried as a whole: make each step idempotent, or remember what is done inside the closure.
 */
export class WriteQueue {
  private readonly tasks: Task[] = [];
  private readonly maxSize: number;
  private readonly concurrency: number;
  private readonly giveUpAfterMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxHoldMs: number;
  private holding?: NodeJS.Timeout;
  private active = 0;
  private idleWaiters: (() => void)[] = [];
  private lastDropLog = 0;
  readonly stats: WriteQueueStats = { queued: 0, done: 0, retried: 0, dropped: 0, failed: 0 };

  constructor(private readonly opts: WriteQueueOptions) {
    this.maxSize = opts.maxSize ?? 10_000;
    this.concurrency = opts.concurrency ?? 4;
    this.giveUpAfterMs = opts.giveUpAfterMs ?? 10 * 60_000;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms).unref?.()));
    this.maxHoldMs = opts.maxHoldMs ?? 2000;
  }

  /** Writes waiting or in flight. */
  get size(): number {
    return this.tasks.length + this.active;
  }

  /**
   * Queues a write; false (and counted as dropped) when the queue is full. Never throws, never waits. An `urgent`
   * write (something another request may need at once, like where to reach a person) is never held and goes first.
   */
  push(label: string, run: () => Promise<void>, opts: { urgent?: boolean } = {}): boolean {
    if (this.tasks.length >= this.maxSize) {
      this.stats.dropped += 1;
      const now = Date.now();
      if (now - this.lastDropLog > 10_000) {
        this.lastDropLog = now;
        this.opts.logger.error({ label, dropped: this.stats.dropped, queued: this.tasks.length }, 'bookkeeping queue full: write dropped');
      }
      return false;
    }
    const task = { label, run, since: Date.now(), urgent: Boolean(opts.urgent) };
    if (task.urgent) {
      const firstOrdinary = this.tasks.findIndex((t) => !t.urgent);
      this.tasks.splice(firstOrdinary < 0 ? this.tasks.length : firstOrdinary, 0, task);
    } else this.tasks.push(task);
    this.stats.queued += 1;
    this.pump();
    return true;
  }

  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Waits for the queue to empty, at most `timeoutMs`; returns how many writes were left. */
  async drain(timeoutMs: number): Promise<number> {
    await Promise.race([this.idle(), this.sleep(timeoutMs)]);
    return this.size;
  }

  private pump(): void {
    if (this.tasks.length && this.held()) {
      // Look again shortly; a burst of questions is answered first, its bookkeeping right after.
      if (!this.holding) {
        this.holding = setTimeout(() => {
          this.holding = undefined;
          this.pump();
        }, 25);
        this.holding.unref?.();
      }
      return;
    }
    const head = this.tasks[0];
    const limit = head && !head.urgent && this.opts.holdWhile && this.tasks.length < this.maxSize / 2 && this.opts.holdWhile() ? 1 : this.concurrency;
    while (this.active < limit && this.tasks.length) {
      const task = this.tasks.shift()!;
      this.active += 1;
      void this.work(task).finally(() => {
        this.active -= 1;
        this.pump();
        if (this.size === 0) for (const w of this.idleWaiters.splice(0)) w();
      });
    }
  }

  private held(): boolean {
    if (!this.opts.holdWhile || this.tasks.length >= this.maxSize / 2 || this.tasks[0].urgent) return false;
    if (Date.now() - this.tasks[0].since >= this.maxHoldMs) return false;
    return this.opts.holdWhile();
  }

  private async work(task: Task): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await task.run();
        this.stats.done += 1;
        return;
      } catch (e) {
        const transient = isTransientStorageError(e);
        if (!transient || Date.now() - task.since > this.giveUpAfterMs) {
          this.stats.failed += 1;
          this.opts.logger.warn({ label: task.label, err: (e as Error).name, status: (e as { statusCode?: number }).statusCode, attempts: attempt }, 'bookkeeping write failed');
          return;
        }
        this.stats.retried += 1;
        if (attempt === 1) this.opts.logger.warn({ label: task.label, err: (e as Error).name }, 'bookkeeping write waits for storage');
        await this.sleep(Math.min(5000, 250 * 2 ** Math.min(attempt - 1, 5)));
      }
    }
  }
}
