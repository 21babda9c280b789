import type { DigestService } from '../../../src/digests/digest.service';
import type { Logger } from '../../../src/logger';
import { createIntervalJob } from '../../../src/scheduler/interval-job';

/**
 * Every instance looks every 5 s: a scheduled digest starts within 5 s of its time, and a delivery whose
 * instance died (its lease of 10 s not renewed) is taken over within about 15 s.
 */
export const DIGEST_TICK_MS = 5000;

export interface DigestScheduler {
  /** One pass now (tests call this with a ManualClock behind the service). */
  tick(): Promise<{ started: string[]; resumed: string[] }>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Runs the digest service's tick every 5 s on every instance: due scheduled digests start, interrupted
 * deliveries are taken over. The tick needs no lease of its own: a scheduled digest is started by an
 * ETag-conditional status change (one instance wins) and each delivery runs under a per-digest lease kept
 * by heartbeat.
 *
 * A plain interval, not node-cron: node-cron 4 fires nothing for the whole repeated hour when the clocks go
 * back whenever the process or the task runs in Europe/London (measured: no tick 01:00–02:00Z on 25 October
 * 2026, even with `timezone: 'Etc/UTC'` under TZ=Europe/London), so a digest due then would wait an hour.
 * A schedule's London wall time is already resolved to a UTC instant by the service, so nothing here needs a zone.
 */
export function createDigestScheduler(svc: DigestService, logger: Logger, periodMs = DIGEST_TICK_MS): DigestScheduler {
  const job = createIntervalJob(
    'digests',
    periodMs,
    async () => {
      const r = await svc.tick();
      if (r.started.length || r.resumed.length) logger.info({ started: r.started, resumed: r.resumed }, 'digest tick');
    },
    logger,
    { runAtStart: true },
  );
  return { tick: () => svc.tick(), start: () => job.start(), stop: () => job.stop() };
}
