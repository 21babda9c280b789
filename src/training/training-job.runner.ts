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
}

export interface TrainingJobRunner {
  /**
   * Records the job (its id makes it happen once: a second call with the same id does nothing new),
   * and starts delivery in the background. Returns whether the job was new.
   */
  start(jobId: string, kind: TrainingJobKind, sessionId: string, payload: JobPayload): Promise<boolean>;
  /** Enqueues (if not yet done) and delivers an open job; resolves when this worker has nothing left. */
  run(jobId: string): Promise<void>;
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

  function message(job: TrainingJob, payload: JobPayload, s: TrainingSession): OutgoingMessage {
    switch (job.kind) {
      case 'reminder':
        return render.reminder(s, { kind: payload.reminderKind ?? '', label: payload.label ?? 'soon', includeJoinLink: Boolean(payload.includeJoinLink) });
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

  /** Checked right before each send: a reminder or trainer message never reaches a cancelled booking or session. */
  async function stillWanted(job: TrainingJob, payload: JobPayload, personId: string): Promise<boolean> {
    if (job.kind === 'cancelled' || job.kind === 'changed') return true;
    const [s, b] = await Promise.all([sessions.get(job.sessionId), sessions.getBooking(job.sessionId, personId)]);
    if (!s || s.status !== 'scheduled' || b?.status !== 'booked') return false;
    if (job.kind === 'reminder') return s.startUtc === payload.startUtc && new Date(s.startUtc).getTime() > clock.now().getTime();
    return true;
  }

  async function runOnce(jobId: string): Promise<void> {
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
    await engine.run(jobId, () => built, { signal: stopping.signal, shouldSend: (personId) => stillWanted(job, payload, personId) });
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
    run(jobId) {
      const existing = running.get(jobId);
      if (existing) return existing;
      if (stopping.signal.aborted) return Promise.resolve();
      const p = runOnce(jobId).finally(() => running.delete(jobId));
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
