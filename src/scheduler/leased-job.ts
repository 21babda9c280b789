import type { TableClient } from '@azure/data-tables';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { holdLease, lastDone } from '../storage/lease';

export interface LeasedJobOptions {
  /** Lease row name; also the job's name in logs. */
  name: string;
  leases: TableClient;
  /** This instance (any id unique among live instances). */
  owner: string;
  clock: Clock;
  logger: Logger;
  /** Whether the work is due, given when it last completed (on any instance). */
  due(lastDoneAt: Date | undefined, now: Date): boolean;
  /** The work. Must stop promptly when `signal` aborts (the lease was lost, or the instance is stopping). */
  run(signal: AbortSignal, now: Date): Promise<void>;
  /** How often every instance looks at the lease row (one read). */
  pollMs?: number;
  /** Lease length; renewed by heartbeat every third of it while the work runs. */
  ttlMs?: number;
}

export type LeasedTickResult = 'ran' | 'not-due' | 'held' | 'stopped';

export interface LeasedJob {
  /** One look now: runs the work if it is due and this instance gets the lease. */
  tick(): Promise<LeasedTickResult>;
  start(): void;
  /** Stops looking, aborts a run in progress and waits for it. */
  stop(): Promise<void>;
}

/**
 * A periodic job that runs on one instance at a time and is taken over within seconds when its holder dies.
 * Every instance looks every `pollMs` (default 5 s): when the work is due (its lease row records when it last
 * completed) and the lease is free, it takes the lease (short, default 10 s) and keeps it by heartbeat while
 * the work runs. A holder that crashes stops renewing; its lease runs out and the next look by any instance
 * finds the work still due and runs it. Worst case from a crash to the takeover: ttl + poll (15 s).
 */
export function createLeasedJob(opts: LeasedJobOptions): LeasedJob {
  const pollMs = opts.pollMs ?? 5000;
  const ttlMs = opts.ttlMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<LeasedTickResult> | undefined;
  const stopping = new AbortController();

  async function tick(): Promise<LeasedTickResult> {
    if (stopping.signal.aborted) return 'stopped';
    const now = opts.clock.now();
    const row = await lastDone(opts.leases, opts.name);
    if (row.heldBy && row.heldBy !== opts.owner && (row.expiresAt?.getTime() ?? 0) > now.getTime()) return 'held';
    if (!opts.due(row.lastDoneAt, now)) return 'not-due';
    const held = await holdLease(opts.leases, opts.name, opts.owner, { ttlMs, clock: opts.clock, logger: opts.logger });
    if (!held) return 'held';
    let completed = false;
    try {
      // Another instance may have finished the work between the look and the lease.
      const fresh = await lastDone(opts.leases, opts.name);
      if (!opts.due(fresh.lastDoneAt, now)) return 'not-due';
      const signal = AbortSignal.any([held.signal, stopping.signal]);
      await opts.run(signal, now);
      completed = !signal.aborted;
      return 'ran';
    } finally {
      await held.release(completed ? { lastDoneAt: now.toISOString() } : {});
    }
  }

  const once = () => {
    if (running) return running;
    running = tick()
      .catch((e: Error) => {
        opts.logger.warn({ job: opts.name, err: e.name, status: (e as { statusCode?: number }).statusCode }, 'scheduled job failed; the next look retries');
        return 'held' as LeasedTickResult;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  return {
    tick: once,
    start() {
      if (timer || stopping.signal.aborted) return;
      timer = setInterval(() => void once(), pollMs);
      timer.unref?.();
      void once();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      stopping.abort();
      await running;
    },
  };
}
