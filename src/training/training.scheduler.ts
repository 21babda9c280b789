import type { Logger } from '../logger';
import { createIntervalJob } from '../scheduler/interval-job';
import type { TickSummary } from './training-reminders';

export interface TrainingScheduler {
  start(): void;
  stop(): Promise<void>;
}

/**
 * Runs `tick` every minute on every instance; the tick itself takes the coordinator lease, so only one
 * instance does the work. An interval, not cron: see createIntervalJob (cron loses the autumn repeated hour).
 */
export function createTrainingScheduler(tick: () => Promise<TickSummary>, logger: Logger): TrainingScheduler {
  return createIntervalJob(
    'training-reminders',
    60_000,
    async () => {
      const s = await tick();
      if (s.started.length || s.resumed.length) logger.info({ started: s.started.length, resumed: s.resumed.length, passedOver: s.passedOver.length }, 'training tick');
    },
    logger,
    { runAtStart: true },
  );
}
