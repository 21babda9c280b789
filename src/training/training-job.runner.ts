import type { Clock } from '../clock';
import type { DeliveryEngine } from '../delivery/delivery.engine';
import type { DeliveryTarget, OutgoingMessage } from '../delivery/notifier';
import { errorFields, type Logger } from '../logger';
import type { SessionStore } from './session.store';
import type { TrainingJob, TrainingJobKind, TrainingJobStore } from './training-job.store';
import type { Booking, TrainingRenderer, TrainingSession } from './training.types';

/** Who a job goes to: the people booked, booked and waiting, or one person. */
export type Audience = { kind: 'booked' } | { kind: 'booked+waiting' } | { kind: 'person'; personId: string };

export interface JobPayload {
  audience: Audience;
  reason?: string;
  previousStartUtc?: string;
  text?: string;
  from?: string;
  reminderKind?: string;
  label?: string;
  includeJoinLink?: boolean;
  /** For reminders: the start the reminder was for; a reschedule makes the job obsolete. */
  startUtc?: string;
  /** For reminders: when it fell due (a late one says how soon the session really starts). */
  dueUtc?: string;
}

export interface JobRunnerDeps {
  sessions: SessionStore;
  jobs: TrainingJobStore;
  engine: DeliveryEngine;
  clock: Clock;
  logger: Logger;
  render: TrainingRenderer;
  /** The stored 1:1 conversation of a person (undefined when the bot never met them). */
  targetOf(personId: string): Promise<DeliveryTarget | undefined>;
  /** A person's chat was gone and was created again: store where they are now. */
  remember?(personId: string, target: DeliveryTarget): Promise<void>;
}

export interface TrainingJobRunner {
  /**
   * Records the job (its id makes it happen once: a second call with the same id does nothing new),
   * and starts delivery in the background. Returns whether the job was new.
   */
  start(jobId: string, kind: TrainingJobKind, sessionId: string, payload: JobPayload): Promise<boolean>;
  /**
   * Enqueues (if not yet done) and delivers an open job; resolves when this worker has nothing left. `resumed`:
   * this instance did not start the job (it picks up after a crash, or helps): logged only if it sent something.
   */
  run(jobId: string, opts?: { resumed?: boolean }): Promise<void>;
  isRunning(jobId: string): boolean;
  whenIdle(): Promise<void>;
  stop(): void;
}

export function createTrainingJobRunner(deps: JobRunnerDeps): TrainingJobRunner {
  const { sessions, jobs, engine, clock, logger, render } = deps;
  const running = new Map<string, Promise<void>>();
  const stopping = new AbortController();

  async function recipients(job: TrainingJob, payload: JobPayload): Promise<{ key: string; target: DeliveryTarget }[]> {
    let people: string[];
    if (payload.audience.kind === 'person') people = [payload.audience.personId];
    else {
      const wanted: Booking['status'][] = payload.audience.kind === 'booked' ? ['booked'] : ['booked', 'waiting'];
      people = (await sessions.bookings(job.sessionId)).filter((b) => wanted.includes(b.status)).map((b) => b.personId);
    }
    const out: { key: string; target: DeliveryTarget }[] = [];
    for (const p of people) {
      const target = await deps.targetOf(p);
      if (target) out.push({ key: p, target });
    }
    if (out.length < people.length) logger.warn({ jobId: job.jobId, unreachable: people.length - out.length }, 'training recipients without a stored conversation');
    return out;
  }

  /**
   * A reminder's words when it goes out late (a crash, an outage): "in 1 hour" sent 20 minutes late says "in 40
   * minutes", and once the session has started it says so. Day reminders keep their words (the day is still right).
   */
  function reminderLabel(payload: JobPayload, s: TrainingSession): string {
    const label = payload.label ?? 'soon';
    if (!payload.reminderKind?.startsWith('m') || !payload.dueUtc) return label;
    const now = clock.now().getTime();
    if (now - new Date(payload.dueUtc).getTime() < 5 * 60_000) return label;
    const left = Math.ceil((new Date(s.startUtc).getTime() - now) / 60_000);
    return left <= 0 ? 'has started: join now' : `in ${left} minute${left === 1 ? '' : 's'}`;
  }

  function message(job: TrainingJob, payload: JobPayload, s: TrainingSession): OutgoingMessage {
    switch (job.kind) {
      case 'reminder':
        return render.reminder(s, { kind: payload.reminderKind ?? '', label: reminderLabel(payload, s), includeJoinLink: Boolean(payload.includeJoinLink) });
      case 'cancelled':
        return render.cancelled(s, payload.reason ?? '');
      case 'changed':
        return render.changed(s, { previousStartUtc: payload.previousStartUtc, reason: payload.reason ?? '' });
      case 'promoted':
        return render.promoted(s);
      case 'message':
        return render.trainerMessage(s, payload.text ?? '', payload.from ?? 'Your trainer');
    }
  }

  /**
   * Checked before each send: a reminder or trainer message never reaches a cancelled booking or session. A
   * reminder held up (a crash, an outage) still goes out late, while the session has not ended: late is better
   * than never for the join link. A rescheduled session's old reminders are not sent (it has new ones).
   */
  async function stillWanted(job: TrainingJob, payload: JobPayload, personId: string): Promise<boolean> {
    if (job.kind === 'cancelled' || job.kind === 'changed') return true;
    const [s, b] = await Promise.all([sessions.get(job.sessionId), sessions.getBooking(job.sessionId, personId)]);
    if (!s || s.status !== 'scheduled' || b?.status !== 'booked') return false;
    if (job.kind === 'reminder') return s.startUtc === payload.startUtc && new Date(s.endUtc).getTime() > clock.now().getTime();
    return true;
  }

  async function runOnce(jobId: string, resumed: boolean): Promise<void> {
    const job = await jobs.get(jobId);
    if (!job || job.status !== 'open') return;
    const payload = JSON.parse(job.payload) as JobPayload;
    const session = await sessions.get(job.sessionId);
    if (!session) {
      await jobs.patch(jobId, { status: 'skipped', finishedAt: clock.now().toISOString() });
      return;
    }
    if (!job.enqueued) {
      await engine.enqueue(jobId, await recipients(job, payload));
      await jobs.patch(jobId, { enqueued: true });
    }
    const built = message(job, payload, session);
    const summary = await engine.run(jobId, () => built, {
      signal: stopping.signal,
      shouldSend: (personId) => stillWanted(job, payload, personId),
      onRefound: deps.remember,
      personOf: async (personId) => {
        const t = await deps.targetOf(personId);
        return t?.userId ? { userId: t.userId, tenantId: t.tenantId } : undefined;
      },
    });
    const did = Object.values(summary.outcomes).reduce((a, b) => a + (b ?? 0), 0);
    if (resumed && did) logger.info({ jobId, kind: job.kind, sessionId: job.sessionId, outcomes: summary.outcomes }, 'training job resumed');
    if (summary.aborted) return;
    const p = await engine.progress(jobId);
    if (p.pending === 0) {
      await jobs.patch(jobId, { status: 'done', finishedAt: clock.now().toISOString(), sent: p.sent });
      logger.info({ jobId, kind: job.kind, sessionId: job.sessionId, sent: p.sent, skipped: p.skipped, failed: p.failed }, 'training job finished');
    }
  }

  const runner: TrainingJobRunner = {
    async start(jobId, kind, sessionId, payload) {
      const created = await jobs.create({ jobId, kind, sessionId, status: 'open', enqueued: false, payload: JSON.stringify(payload), createdAt: clock.now().toISOString() });
      if (!running.has(jobId)) {
        void runner.run(jobId).catch((e) => logger.error({ jobId, ...errorFields(e) }, 'training job failed; the next tick resumes it'));
      }
      return created;
    },
    run(jobId, opts = {}) {
      const existing = running.get(jobId);
      if (existing) return existing;
      if (stopping.signal.aborted) return Promise.resolve();
      const p = runOnce(jobId, Boolean(opts.resumed))
        .catch((e) => logger.error({ jobId, err: (e as Error).name }, 'training job failed; the next look resumes it'))
        .finally(() => running.delete(jobId));
      running.set(jobId, p);
      return p;
    },
    isRunning: (jobId) => running.has(jobId),
    async whenIdle() {
      while (running.size) await Promise.allSettled([...running.values()]);
    },
    stop() {
      stopping.abort();
    },
  };
  return runner;
}
