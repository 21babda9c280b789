import cron, { type ScheduledTask } from 'node-cron';
import type { DigestService } from '../../../src/digests/digest.service';
import type { Logger } from '../../../src/logger';

/** Every 30 seconds (node-cron's seconds field): due scheduled digests start, interrupted deliveries resume. */
export const DIGEST_TICK_CRON = '*/30 * * * * *';

export interface DigestScheduler {
  /** One pass now (tests call this with a ManualClock behind the service). */
  tick(): Promise<{ started: string[]; resumed: string[] }>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Runs the digest service's tick on every instance. The tick needs no lease of its own: a scheduled digest is
 * started by an ETag-conditional status change (one instance wins) and each delivery runs under a per-digest
 * lease, so several instances ticking together still send each digest once.
 */
export function createDigestScheduler(svc: DigestService, logger: Logger): DigestScheduler {
  let task: ScheduledTask | undefined;
  const run = async () => {
    try {
      const r = await svc.tick();
      if (r.started.length || r.resumed.length) logger.info({ started: r.started, resumed: r.resumed }, 'digest tick');
    } catch (e) {
      logger.warn({ err: (e as Error).name, status: (e as { statusCode?: number }).statusCode }, 'digest tick failed; the next tick retries');
    }
  };
  return {
    tick: () => svc.tick(),
    start() {
      if (task) return;
      task = cron.schedule(DIGEST_TICK_CRON, run, { timezone: 'Europe/London', name: 'digest-tick', noOverlap: true });
      // After a restart, resume at once rather than up to 30 s later.
      void run();
    },
    async stop() {
      await task?.stop();
      await task?.destroy();
      task = undefined;
    },
  };
}
