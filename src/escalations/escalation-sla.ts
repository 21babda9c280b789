import type { Config } from '../config';
import type { Logger } from '../logger';
import type { DeliveryTarget, Notifier } from '../delivery/notifier';
import { claimSlot } from '../storage/lease';
import { isPreconditionFailed, statusOf, type Tables } from '../storage/tables';
import type { EscalationStore } from './escalation.store';
import type { EscalationMessages } from './escalation.messages';
import { OPEN_STATUSES, type EscalationRecord, type EscalationView } from './escalation.types';
import { workingMsBetween } from './working-hours';

export interface SlaOutcome {
  /** References re-raised in this check. */
  reRaised: string[];
  /** References whose team card had never been posted and was posted now. */
  posted: string[];
}

interface SlaDeps {
  tables: Tables;
  store: EscalationStore;
  config: Config;
  notifier: Notifier;
  messages: EscalationMessages;
  log: Logger;
  teamChannel(): Promise<DeliveryTarget | undefined>;
  postTeamCard(id: string, target: DeliveryTarget): Promise<boolean>;
  view(id: string): Promise<EscalationView | undefined>;
}

const HOUR = 3_600_000;

/**
 * How many whole limit periods an unacknowledged escalation has been waiting: urgent ones in clock
 * hours (a child not safe now cannot wait for Monday), others in London working hours.
 */
export function periodsOverdue(r: EscalationRecord, now: Date, config: Config): { periods: number; limit: string } {
  const created = new Date(r.createdAt);
  if (r.urgent) {
    const h = config.escalation.urgentSlaHours;
    return { periods: Math.floor((now.getTime() - created.getTime()) / (h * HOUR)), limit: `${h} hour${h === 1 ? '' : 's'}` };
  }
  const h = config.escalation.slaWorkingHours;
  return { periods: Math.floor(workingMsBetween(created, now) / (h * HOUR)), limit: `${h} working hour${h === 1 ? '' : 's'}` };
}

/**
 * One pass of the SLA check (the scheduler runs it under a lease; the per-period slot row makes a
 * re-raise happen once per period even if two instances or a restart run the same pass).
 */
export async function checkSla(deps: SlaDeps, now: Date): Promise<SlaOutcome> {
  const outcome: SlaOutcome = { reRaised: [], posted: [] };
  const open = await deps.store.list(OPEN_STATUSES.map((s) => `status eq '${s}'`).join(' or '));
  const channel = await deps.teamChannel();

  for (const r of open) {
    if (!r.channelActivityId && channel && (await deps.postTeamCard(r.id, channel).catch(() => false))) outcome.posted.push(r.id);
    if (r.status !== 'new') continue;
    const { periods, limit } = periodsOverdue(r, now, deps.config);
    if (periods < 1) continue;
    const target = r.channelTarget ?? channel;
    if (!target) continue;
    const slot = `esc-sla~${r.id}~${periods}`;
    if (!(await claimSlot(deps.tables.client('Leases'), slot, 'sla', { now: () => now }))) continue;
    const v = await deps.view(r.id);
    if (!v || v.record.status !== 'new') continue;
    try {
      await deps.notifier.send(target, deps.messages.reRaise(v, periods > 1 ? `${limit} (×${periods})` : limit));
    } catch (e) {
      // Give the slot back so the next tick tries again rather than silently dropping the re-raise.
      await deps.tables.client('Leases').deleteEntity('slot', slot).catch(() => undefined);
      deps.log.warn({ id: r.id, status: statusOf(e) }, 'SLA re-raise not delivered; will retry');
      continue;
    }
    outcome.reRaised.push(r.id);
    const cur = await deps.store.get(r.id);
    if (cur) {
      await deps.store
        .replace({ ...cur.record, reRaisedCount: periods, lastReRaisedAt: now.toISOString() }, cur.etag)
        .catch((e) => {
          if (!isPreconditionFailed(e)) throw e; // someone acted meanwhile: the counter is informational
        });
    }
    deps.log.info({ id: r.id, periods }, 'escalation re-raised');
  }
  return outcome;
}
