import { randomUUID } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import type { Clock } from '../../../src/clock';
import type { Logger } from '../../../src/logger';
import type { Tables } from '../../../src/storage/tables';
import { acquireLease } from '../../../src/storage/lease';
import type { EscalationService } from '../../../src/escalations/escalation.service';
import type { SlaOutcome } from '../../../src/escalations/escalation-sla';

export const SLA_CRON = '*/5 * * * *';
const LEASE = 'escalation-sla';
// Shorter than the 5-minute period so the next tick (on whichever instance) can always take it.
const LEASE_TTL_MS = 4 * 60_000;

export interface SlaScheduler {
  /** One check at `now`, if this instance wins the lease; undefined when another instance holds it. */
  tick(now?: Date): Promise<SlaOutcome | undefined>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Every 5 minutes (London time), one instance re-raises escalations past their time limit. The lease keeps
 * two instances from running the same pass; the per-period slot rows inside checkSla keep a re-raise to once
 * per period even across restarts.
 */
export function createSlaScheduler(deps: { service: EscalationService; tables: Tables; clock: Clock; logger: Logger; owner?: string }): SlaScheduler {
  const owner = deps.owner ?? `sla-${randomUUID()}`;
  let task: ScheduledTask | undefined;
  const tick = async (now = deps.clock.now()): Promise<SlaOutcome | undefined> => {
    const lease = await acquireLease(deps.tables.client('Leases'), LEASE, owner, LEASE_TTL_MS, { now: () => now });
    if (!lease) return undefined;
    const outcome = await deps.service.checkSla(now);
    if (outcome.reRaised.length || outcome.posted.length) deps.logger.info({ reRaised: outcome.reRaised, posted: outcome.posted }, 'escalation SLA check');
    return outcome;
  };
  return {
    tick,
    start() {
      task ??= cron.schedule(
        SLA_CRON,
        async () => {
          try {
            await tick();
          } catch (e) {
            deps.logger.warn({ err: (e as Error).name, status: (e as { statusCode?: number }).statusCode }, 'escalation SLA check failed; next tick retries');
          }
        },
        { timezone: 'Europe/London', name: 'escalation-sla', noOverlap: true },
      );
    },
    async stop() {
      await task?.stop();
      await task?.destroy();
      task = undefined;
    },
  };
}
