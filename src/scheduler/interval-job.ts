import type { Logger } from '../logger';

export interface IntervalJob {
  start(): void;
  /** Stops the timer and waits for a run in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Runs `run` every `periodMs`, never two at once. For the frequent polling ticks (reminders, SLA checks,
 * digest schedules) an interval is used rather than node-cron: node-cron 4 with timezone Europe/London fires
 * nothing during the hour the clocks go back (measured: no ticks from 00:51Z to 01:50Z on 25 Oct 2026), and a
 * polling tick works out what is due from the clock anyway (the nightly purge too: see leased-job.ts).
 * Every tick must be safe on several instances (leases inside `run`).
 */
export function createIntervalJob(
  name: string,
  periodMs: number,
  run: () => Promise<void>,
  logger: Logger,
  opts: { runAtStart?: boolean } = {},
): IntervalJob {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const fire = () => {
    if (running) return; // the previous tick is still going: skip rather than pile up
    running = run()
      .catch((e: Error) => logger.warn({ job: name, err: e.name, status: (e as { statusCode?: number }).statusCode }, 'scheduled tick failed; the next one retries'))
      .finally(() => {
        running = undefined;
      });
  };
  return {
    start() {
      if (timer) return;
      timer = setInterval(fire, periodMs);
      timer.unref?.();
      // After a restart, resume interrupted work at once rather than a whole period later.
      if (opts.runAtStart) fire();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
