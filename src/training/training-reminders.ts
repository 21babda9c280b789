import { randomBytes } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { holdLease } from '../storage/lease';
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
  /** Open jobs this instance was not running that this tick started working on (a crash, a stopped instance, or help). */
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
  /** The scan's lease: short, renewed by heartbeat while the scan runs, so a crashed scanner is replaced within seconds. */
  leaseMs?: number;
}

const LEASE = 'training-reminders';

/**
 * The regular look (every 15 s): start every reminder that is due, and work on unfinished fan-outs.
 *
 * - The scan for due reminders runs on one instance at a time (a short lease kept by heartbeat); exactly-once
 *   per person comes from the outbox rows (job id = session + reminder kind + start), so even an overlap would
 *   not send twice.
 * - Every job found open is run here unless this instance already runs it, whoever started it: a job left by
 *   a crashed instance is picked up at the next look, once its claims run out; two instances on one job share
 *   its rows.
 * - Jobs run side by side, never one after another, so a big reminder batch (or one stalled by a crash) does
 *   not hold up another session's reminders.
 */
export function createReminderTicker(deps: ReminderTickerDeps): { tick(opts?: { wait?: boolean }): Promise<TickSummary>; stop(): void } {
  const { sessions, jobs, runner, clock, logger, settings } = deps;
  const owner = deps.instanceId ?? `training-${randomBytes(4).toString('hex')}`;
  const leaseMs = deps.leaseMs ?? 10_000;
  const horizonMs = (Math.max(0, ...settings.reminderDays) + 1) * 86_400_000;
  let busy = false;
  let stopped = false;

  async function scan(summary: TickSummary, launched: Promise<void>[]): Promise<void> {
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
          payload: JSON.stringify({ audience: { kind: 'booked' }, reminderKind: p.kind, label: p.label, includeJoinLink: p.includeJoinLink, startUtc: s.startUtc, dueUtc: p.dueAt.toISOString() }),
          createdAt: now.toISOString(),
        });
        if (!created) continue; // started (or passed over) by an earlier look: picked up below if unfinished
        if (!isSend) {
          summary.passedOver.push(jobId);
          continue;
        }
        summary.started.push(jobId);
        logger.info({ jobId, sessionId: s.id, kind: p.kind }, 'training reminder due');
        launched.push(runner.run(jobId));
      }
    }
  }

  return {
    /** One look. `wait` (the default) resolves when the jobs it started have finished; the scheduler does not wait. */
    async tick(opts = {}) {
      const summary: TickSummary = { started: [], passedOver: [], resumed: [] };
      if (stopped || busy) return { ...summary, skipped: 'busy' };
      busy = true;
      const launched: Promise<void>[] = [];
      try {
        const held = await holdLease(deps.leases, LEASE, owner, { ttlMs: leaseMs, clock, logger });
        if (held) {
          try {
            await scan(summary, launched);
          } finally {
            await held.release();
          }
        } else summary.skipped = 'lease';
        for (const job of await jobs.listOpen()) {
          if (runner.isRunning(job.jobId) || summary.started.includes(job.jobId)) continue;
          summary.resumed.push(job.jobId);
          launched.push(runner.run(job.jobId, { resumed: true }));
        }
      } finally {
        busy = false;
      }
      if (opts.wait !== false) await Promise.allSettled(launched);
      return summary;
    },
    stop() {
      stopped = true;
    },
  };
}
