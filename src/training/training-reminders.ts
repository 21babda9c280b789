import { randomBytes } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { acquireLease, releaseLease } from '../storage/lease';
import { dueReminders, reminderJobId, reminderPlan, type ReminderSettings } from './reminder-schedule';
import type { SessionStore } from './session.store';
import type { TrainingJobRunner } from './training-job.runner';
import type { TrainingJobStore } from './training-job.store';

export interface TickSummary {
  /** Set when another instance (or an overlapping tick here) held the lease: this tick did nothing. */
  skipped?: 'lease' | 'busy';
  /** Reminder jobs started by this tick. */
  started: string[];
  /** Reminders recorded as not sent (due before the session was set, or overtaken by a later one). */
  passedOver: string[];
  /** Unfinished jobs (a crash, a stopped instance) this tick resumed. */
  resumed: string[];
}

export interface ReminderTickerDeps {
  sessions: SessionStore;
  jobs: TrainingJobStore;
  runner: TrainingJobRunner;
  clock: Clock;
  logger: Logger;
  settings: ReminderSettings;
  leases: TableClient;
  instanceId?: string;
  /** How long one tick may hold the coordinator lease before another instance may take over. */
  leaseMs?: number;
}

const LEASE = 'training-reminders';

/**
 * The once-a-minute work: start every reminder that is due and resume unfinished fan-outs. The lease
 * keeps two instances from doing the same scan; exactly-once per person comes from the outbox rows
 * (job id = session + reminder kind + start), so even an overlap would not send twice.
 */
export function createReminderTicker(deps: ReminderTickerDeps): { tick(): Promise<TickSummary>; stop(): void } {
  const { sessions, jobs, runner, clock, logger, settings } = deps;
  const owner = deps.instanceId ?? `training-${randomBytes(4).toString('hex')}`;
  const leaseMs = deps.leaseMs ?? 5 * 60_000;
  const horizonMs = (Math.max(0, ...settings.reminderDays) + 1) * 86_400_000;
  let busy = false;
  let stopped = false;

  async function scan(summary: TickSummary): Promise<void> {
    const now = clock.now();
    const upcoming = await sessions.listByStart(now.toISOString(), new Date(now.getTime() + horizonMs).toISOString(), 'scheduled');
    for (const s of upcoming) {
      const { send, skip } = dueReminders(reminderPlan(s, settings), now, s.startUtc, s.timeSetAt);
      for (const p of [...skip, ...send]) {
        const jobId = reminderJobId(s.id, p.kind, s.startUtc);
        const isSend = send.includes(p);
        const created = await jobs.create({
          jobId,
          kind: 'reminder',
          sessionId: s.id,
          status: isSend ? 'open' : 'skipped',
          enqueued: false,
          payload: JSON.stringify({ audience: { kind: 'booked' }, reminderKind: p.kind, label: p.label, includeJoinLink: p.includeJoinLink, startUtc: s.startUtc }),
          createdAt: now.toISOString(),
        });
        if (!created) continue; // started (or passed over) by an earlier tick: resumed below if unfinished
        if (!isSend) {
          summary.passedOver.push(jobId);
          continue;
        }
        summary.started.push(jobId);
        logger.info({ jobId, sessionId: s.id, kind: p.kind }, 'training reminder due');
        await runner.run(jobId);
      }
    }
  }

  return {
    async tick() {
      const summary: TickSummary = { started: [], passedOver: [], resumed: [] };
      if (stopped) return { ...summary, skipped: 'busy' };
      if (busy) return { ...summary, skipped: 'busy' };
      busy = true;
      try {
        const lease = await acquireLease(deps.leases, LEASE, owner, leaseMs, clock);
        if (!lease) return { ...summary, skipped: 'lease' };
        try {
          await scan(summary);
          for (const job of await jobs.listOpen()) {
            if (runner.isRunning(job.jobId) || summary.started.includes(job.jobId)) continue;
            summary.resumed.push(job.jobId);
            await runner.run(job.jobId);
          }
        } finally {
          await releaseLease(deps.leases, LEASE, owner).catch(() => undefined);
        }
        return summary;
      } finally {
        busy = false;
      }
    },
    stop() {
      stopped = true;
    },
  };
}
