import type { Logger } from '../logger';
import { createIntervalJob } from '../scheduler/interval-job';
import type { TickSummary } from './training-reminders';

export interface TrainingScheduler {
  start(): void;
  stop(): Promise<void>;
}

/** How often every instance looks for due reminders and unfinished fan-outs. */
export const TRAINING_TICK_MS = 15_000;

/**
 * Runs `tick` every 15 s on every instance without waiting for the jobs it starts (they run side by side in
 * the background); the scan inside takes a short lease, so one instance scans at a time. A reminder is started
 * within 15 s of falling due, and after a crash within the lease (10 s) plus one look. An interval, not cron:
 * see createIntervalJob (cron loses the autumn repeated hour).
 */
export function createTrainingScheduler(tick: (opts: { wait: boolean }) => Promise<TickSummary>, logger: Logger, periodMs = TRAINING_TICK_MS): TrainingScheduler {
  return createIntervalJob(
    'training-reminders',
    periodMs,
    async () => {
      const s = await tick({ wait: false });
      if (s.started.length || s.passedOver.length) logger.info({ started: s.started.length, passedOver: s.passedOver.length }, 'training tick');
    },
    logger,
    { runAtStart: true },
  );
}
