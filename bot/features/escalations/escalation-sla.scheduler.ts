import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../src/clock';
import type { Logger } from '../../../src/logger';
import type { Tables } from '../../../src/storage/tables';
import { acquireLease } from '../../../src/storage/lease';
import type { EscalationService } from '../../../src/escalations/escalation.service';
import type { SlaOutcome } from '../../../src/escalations/escalation-sla';
import { createIntervalJob } from '../../../src/scheduler/interval-job';

export const SLA_PERIOD_MS = 5 * 60_000;
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
 * Every 5 minutes, one instance re-raises escalations past their time limit. The lease keeps
 * two instances from running the same pass; the per-period slot rows inside checkSla keep a re-raise to once
 * per period even across restarts.
 */
export function createSlaScheduler(deps: { service: EscalationService; tables: Tables; clock: Clock; logger: Logger; owner?: string }): SlaScheduler {
  const owner = deps.owner ?? `sla-${randomUUID()}`;
  const tick = async (now = deps.clock.now()): Promise<SlaOutcome | undefined> => {
    const lease = await acquireLease(deps.tables.client('Leases'), LEASE, owner, LEASE_TTL_MS, { now: () => now });
    if (!lease) return undefined;
    const outcome = await deps.service.checkSla(now);
    if (outcome.reRaised.length || outcome.posted.length) deps.logger.info({ reRaised: outcome.reRaised, posted: outcome.posted }, 'escalation SLA check');
    return outcome;
  };
  // An interval rather than cron: node-cron skips the hour the clocks go back (see createIntervalJob).
  const job = createIntervalJob('escalation-sla', SLA_PERIOD_MS, async () => void (await tick()), deps.logger);
  return { tick, start: () => job.start(), stop: () => job.stop() };
}
