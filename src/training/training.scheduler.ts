import cron from 'node-cron';
import type { Logger } from '../logger';
import type { TickSummary } from './training-reminders';

export interface TrainingScheduler {
  start(): void;
  stop(): void;
}

/**
 * Runs `tick` every minute (Europe/London, though a per-minute schedule does not care) on every
 * instance; the tick itself takes the coordinator lease, so only one instance does the work.
 */
export function createTrainingScheduler(tick: () => Promise<TickSummary>, logger: Logger): TrainingScheduler {
  let task: ReturnType<typeof cron.schedule> | undefined;
  return {
    start() {
      if (task) return;
      task = cron.schedule(
        '* * * * *',
        async () => {
          try {
            const s = await tick();
            if (s.started.length || s.resumed.length) logger.info({ started: s.started.length, resumed: s.resumed.length, passedOver: s.passedOver.length }, 'training tick');
          } catch (e) {
            logger.error({ err: (e as Error).message }, 'training tick failed; the next minute retries');
          }
        },
        { timezone: 'Europe/London', name: 'training-reminders' },
      );
    },
    stop() {
      void task?.stop();
      task = undefined;
    },
  };
}
