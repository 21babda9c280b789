import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../src/clock';
import type { Logger } from '../../../src/logger';
import type { Tables } from '../../../src/storage/tables';
import type { EscalationService } from '../../../src/escalations/escalation.service';
import type { SlaOutcome } from '../../../src/escalations/escalation-sla';
import { createLeasedJob, type LeasedJobOptions } from '../../../src/scheduler/leased-job';

/** How often the check runs (across all instances together). */
export const SLA_PERIOD_MS = 5 * 60_000;
/** How often each instance looks whether the check is due and free (one row read). */
export const SLA_POLL_MS = 5000;
const LEASE = 'escalation-sla';

export interface SlaScheduler {
  /** One check at `now`, if it is due and this instance wins the lease; undefined otherwise. */
  tick(now?: Date): Promise<SlaOutcome | undefined>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Every 5 minutes, one instance re-raises escalations past their time limit. The check runs under a short
 * lease kept by heartbeat (src/scheduler/leased-job.ts): if its instance dies mid-check, another takes it over
 * within about 15 s instead of at the next period. The per-period slot rows inside checkSla keep a re-raise to
 * once per period even across restarts and takeovers.
 */
export function createSlaScheduler(deps: { service: EscalationService; tables: Tables; clock: Clock; logger: Logger; owner?: string }): SlaScheduler {
  const owner = deps.owner ?? `sla-${randomUUID()}`;
  const job = (clock: Clock, onOutcome: (o: SlaOutcome) => void): LeasedJobOptions => ({
    name: LEASE,
    leases: deps.tables.client('Leases'),
    owner,
    clock,
    logger: deps.logger,
    pollMs: SLA_POLL_MS,
    due: (last, now) => !last || now.getTime() - last.getTime() >= SLA_PERIOD_MS,
    async run(_signal, now) {
      const outcome = await deps.service.checkSla(now);
      if (outcome.reRaised.length || outcome.posted.length) deps.logger.info({ reRaised: outcome.reRaised, posted: outcome.posted }, 'escalation SLA check');
      onOutcome(outcome);
    },
  });
  const periodic = createLeasedJob(job(deps.clock, () => undefined));
  return {
    async tick(now = deps.clock.now()) {
      let outcome: SlaOutcome | undefined;
      const once = createLeasedJob(job({ now: () => now }, (o) => (outcome = o)));
      return (await once.tick()) === 'ran' ? outcome : undefined;
    },
    start: () => periodic.start(),
    stop: () => periodic.stop(),
  };
}
