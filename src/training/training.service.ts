import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { DeliveryEngine } from '../delivery/delivery.engine';
import type { DeliveryTarget } from '../delivery/notifier';
import { ConflictError, UserInputError } from '../errors';
import type { Logger } from '../logger';
import type { Tables } from '../storage/tables';
import { attendeesCsv } from './attendees-csv';
import { courseId as courseIdOf, readSeedCourses } from './course-catalog.parser';
import { CourseStore } from './course.store';
import type { ReminderSettings } from './reminder-schedule';
import { checkSessionInput } from './session-input';
import { BookingIndex, SessionStore, StaleWriteError, type SessionWrite } from './session.store';
import { createTrainingJobRunner, type TrainingJobRunner } from './training-job.runner';
import { TrainingJobStore } from './training-job.store';
import { createReminderTicker, type TickSummary } from './training-reminders';
import type { Booking, Course, Person, SessionInput, SessionView, TrainingRenderer, TrainingSession } from './training.types';

export interface TrainingServiceDeps {
  tables: Tables;
  clock: Clock;
  logger: Logger;
  engine: DeliveryEngine;
  /** Finds a person's stored 1:1 conversation (the bot's conversation store); `remember` stores a re-created one. */
  conversations: {
    target(kind: 'user', key: string): Promise<DeliveryTarget | undefined>;
    remember?(kind: 'user', key: string, target: DeliveryTarget): Promise<void>;
  };
  render: TrainingRenderer;
  settings: ReminderSettings;
  instanceId?: string;
}

export type BookOutcome = 'booked' | 'waiting' | 'already-booked' | 'already-waiting';

export interface TrainingService {
  seedCourses(guidanceDir: string): Promise<number>;
  listCourses(includeInactive?: boolean): Promise<Course[]>;
  getCourse(id: string): Promise<Course | undefined>;
  /** Adds a course (no id) or edits one; names must be unique. */
  saveCourse(input: { id?: string; name: string; description?: string; active?: boolean }, by: string): Promise<Course>;

  /** Creates a session; `requestId` (made when the form was shown) makes a double submit create one session. */
  createSession(input: SessionInput, by: Person, requestId: string): Promise<{ session: TrainingSession; created: boolean }>;
  /** Edits or reschedules; booked and waiting people are told, with the reason (required once anyone booked). */
  updateSession(id: string, input: SessionInput, reason: string, by: Person): Promise<TrainingSession>;
  /** Cancels; booked and waiting people are told with the reason. A second call changes nothing. */
  cancelSession(id: string, reason: string, by: Person): Promise<{ session: TrainingSession; changed: boolean }>;
  getSession(id: string): Promise<TrainingSession | undefined>;
  /** Scheduled sessions that have not started, soonest first, with the person's own booking. */
  upcoming(opts?: { courseId?: string; personId?: string; limit?: number }): Promise<SessionView[]>;
  /** Sessions for the trainer list: not yet ended (cancelled ones included, marked). */
  trainerSessions(limit?: number): Promise<TrainingSession[]>;
  view(sessionId: string, personId?: string): Promise<SessionView | undefined>;

  /** Books a place, or a place on the waiting list when full. Idempotent per session and person. */
  book(sessionId: string, person: Person): Promise<{ outcome: BookOutcome; view: SessionView }>;
  /** Cancels the person's booking or waiting-list place; a freed place goes to the first in line, who is told. */
  cancelBooking(sessionId: string, personId: string): Promise<{ outcome: 'cancelled' | 'not-booked'; promoted?: Booking; view: SessionView }>;
  myBookings(personId: string): Promise<SessionView[]>;
  attendees(sessionId: string): Promise<{ session: TrainingSession; booked: Booking[]; waiting: Booking[] }>;
  attendeesCsv(sessionId: string): Promise<{ filename: string; csv: string }>;
  /** The trainer's own message to everyone booked; `requestId` makes it go once however often it is submitted. */
  sendMessage(sessionId: string, text: string, from: Person, requestId: string): Promise<{ jobId: string; recipients: number; created: boolean }>;

  /**
   * The scheduler's look: due reminders (scanned on one instance at a time, under a lease) and unfinished notices
   * (run by every instance that sees them). Resolves when the jobs it started have finished unless `wait: false`.
   */
  tick(opts?: { wait?: boolean }): Promise<TickSummary>;
  whenIdle(): Promise<void>;
  stop(): void;
  readonly runner: TrainingJobRunner;
}

const DAY = 86_400_000;
/** Table storage takes at most 100 operations in one transaction: the session row plus 99 bookings. */
const MAX_PROMOTIONS_PER_WRITE = 99;
const REQUEST_ID = /^[A-Za-z0-9-]{6,40}$/;
export const newRequestId = () => randomBytes(6).toString('hex');

/**
 * A new session's id: from the form's id and who sent it, so two trainers publishing from the same card (in a
 * channel) make two sessions, while one trainer pressing twice makes one.
 */
export const sessionIdFor = (requestId: string, trainerId: string): string =>
  `ts-${createHash('sha256').update(`${requestId.toLowerCase()}\n${trainerId.toLowerCase()}`).digest('hex').slice(0, 24)}`;

export function createTrainingService(deps: TrainingServiceDeps): TrainingService {
  const { tables, clock, logger } = deps;
  const courses = new CourseStore(tables.client('Courses'));
  const sessions = new SessionStore(tables.client('Sessions'));
  const index = new BookingIndex(tables.client('Bookings'));
  const jobs = new TrainingJobStore(tables.client('Jobs'));
  const runner = createTrainingJobRunner({
    sessions,
    jobs,
    engine: deps.engine,
    clock,
    logger,
    render: deps.render,
    targetOf: (id) => deps.conversations.target('user', id),
    remember: deps.conversations.remember ? (id, t) => deps.conversations.remember!('user', id, t) : undefined,
  });
  const ticker = createReminderTicker({ sessions, jobs, runner, clock, logger, settings: deps.settings, leases: tables.client('Leases'), instanceId: deps.instanceId });
  const nowIso = () => clock.now().toISOString();

  async function mustGet(id: string): Promise<TrainingSession> {
    const s = await sessions.get(id);
    if (!s) throw new UserInputError('I could not find that training session. It may have been removed.');
    return s;
  }
  const started = (s: TrainingSession) => new Date(s.startUtc).getTime() <= clock.now().getTime();

  // Writes to one session queue up inside this instance, so a rush of clicks on one session does not
  // spin on the ETag; across instances the ETag still decides, with jittered retries.
  const queues = new Map<string, Promise<unknown>>();
  function serially<T>(sessionId: string, fn: () => Promise<T>): Promise<T> {
    const prev = queues.get(sessionId) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    queues.set(sessionId, next);
    void next.catch(() => undefined).finally(() => {
      if (queues.get(sessionId) === next) queues.delete(sessionId);
    });
    return next;
  }

  /** Re-reads and retries when a conditional write loses a race (another click, another instance). */
  async function withRetry<T>(sessionId: string, fn: () => Promise<T>): Promise<T> {
    return serially(sessionId, async () => {
      for (let attempt = 0; attempt < 30; attempt++) {
        try {
          return await fn();
        } catch (e) {
          if (!(e instanceof StaleWriteError)) throw e;
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(250, 10 * 2 ** Math.min(attempt, 5))));
        }
      }
      throw new ConflictError('Many people are booking this session right now; please try again.');
    });
  }

  async function waitingPlace(sessionId: string, personId: string): Promise<number | undefined> {
    const waiting = (await sessions.bookings(sessionId)).filter((b) => b.status === 'waiting');
    const i = waiting.findIndex((b) => b.personId === personId);
    return i >= 0 ? i + 1 : undefined;
  }

  async function viewOf(session: TrainingSession, personId?: string): Promise<SessionView> {
    if (!personId) return { session };
    const booking = await sessions.getBooking(session.id, personId);
    const live = booking && booking.status !== 'cancelled' ? booking : undefined;
    return { session, booking: live, waitingPlace: live?.status === 'waiting' ? await waitingPlace(session.id, personId) : undefined };
  }

  async function indexSafely(personId: string, sessionId: string, status: Booking['status'], startUtc: string): Promise<void> {
    try {
      await index.put(personId, sessionId, status, startUtc);
    } catch (e) {
      logger.error({ sessionId, user: personId, err: (e as Error).name }, 'booking index write failed');
    }
  }

  /** Takes the first `n` people off the waiting list into booked places (writes returned, not committed). */
  async function promotions(s: TrainingSession, n: number): Promise<Booking[]> {
    if (n <= 0 || s.waitingCount <= 0 || s.status !== 'scheduled' || started(s)) return [];
    const waiting = (await sessions.bookings(s.id)).filter((b) => b.status === 'waiting').slice(0, n);
    return waiting.map((b) => ({ ...b, status: 'booked' as const, promotedAt: nowIso(), updatedAt: nowIso() }));
  }

  async function announcePromotions(s: TrainingSession, promoted: Booking[]): Promise<void> {
    for (const b of promoted) {
      await indexSafely(b.personId, s.id, 'booked', s.startUtc);
      logger.info({ sessionId: s.id, user: b.personId }, 'promoted from the waiting list');
      await runner.start(`promoted:${s.id}:${b.personId}:${b.promotedAt}`, 'promoted', s.id, { audience: { kind: 'person', personId: b.personId } });
    }
  }

  return {
    runner,

    async seedCourses(dir) {
      const added = await courses.seed(readSeedCourses(dir), nowIso());
      if (added) logger.info({ added }, 'training courses seeded from the bundled documents');
      return added;
    },
    listCourses: (all) => courses.list(all),
    getCourse: (id) => courses.get(id),

    async saveCourse(input, by) {
      const name = input.name.trim().replace(/\s+/g, ' ');
      if (name.length < 3 || name.length > 120) throw new UserInputError('Please give the course a name (3 to 120 characters).', { name: 'Between 3 and 120 characters.' });
      const id = input.id ?? courseIdOf(name);
      if (!id) throw new UserInputError('Please use letters or digits in the course name.', { name: 'Letters or digits, please.' });
      const existing = await courses.get(id);
      if (input.id && !existing) throw new UserInputError('I could not find that course.');
      if (!input.id && existing) throw new UserInputError('A course with that name already exists.', { name: 'Already in the catalogue.' });
      const clash = (await courses.list(true)).find((c) => c.id !== id && c.name.toLowerCase() === name.toLowerCase());
      if (clash) throw new UserInputError('A course with that name already exists.', { name: 'Already in the catalogue.' });
      const course: Course = {
        id,
        name,
        description: input.description?.trim().slice(0, 500) || undefined,
        kind: existing?.kind ?? 'course',
        source: existing?.source,
        attendance: existing?.attendance,
        active: input.active ?? existing?.active ?? true,
        updatedBy: by,
        updatedAt: nowIso(),
      };
      await courses.upsert(course);
      logger.info({ courseId: id, by, created: !existing }, 'training course saved');
      return course;
    },

    async createSession(input, by, requestId) {
      const course = await courses.get(input.courseId ?? '');
      const checked = (() => {
        try {
          return checkSessionInput(input, clock.now());
        } catch (e) {
          if (e instanceof UserInputError && !course) throw new UserInputError(e.message, { ...e.fieldErrors, courseId: 'Choose a course.' });
          throw e;
        }
      })();
      if (!course) throw new UserInputError('Please choose a course.', { courseId: 'Choose a course.' });
      const id = sessionIdFor(REQUEST_ID.test(requestId) ? requestId : newRequestId(), by.id);
      const now = nowIso();
      const session: TrainingSession = {
        id,
        courseId: course.id,
        courseName: course.name,
        ...checked,
        trainerId: by.id.toLowerCase(),
        trainerName: checked.trainerName ?? by.name,
        status: 'scheduled',
        bookedCount: 0,
        waitingCount: 0,
        waitSeq: 0,
        revision: 0,
        timeSetAt: now,
        createdBy: by.id.toLowerCase(),
        createdAt: now,
        updatedAt: now,
      };
      try {
        await sessions.commit(id, [{ op: 'createSession', session }]);
      } catch (e) {
        if (!(e instanceof StaleWriteError)) throw e;
        const existing = await mustGet(id); // the same form submitted twice
        return { session: existing, created: false };
      }
      logger.info({ sessionId: id, courseId: course.id, by: by.id }, 'training session created');
      return { session: (await sessions.get(id)) ?? session, created: true };
    },

    async updateSession(id, input, reason, by) {
      const course = await courses.get(input.courseId ?? '');
      if (!course) throw new UserInputError('Please choose a course.', { courseId: 'Choose a course.' });
      const checked = checkSessionInput(input, clock.now());
      const why = reason.trim().slice(0, 500);
      const result = await withRetry(id, async () => {
        const s = await mustGet(id);
        if (s.status === 'cancelled') throw new UserInputError('This session was cancelled, so it can no longer be changed.');
        if (started(s)) throw new UserInputError('This session has already started, so it can no longer be changed.');
        if (checked.capacity < s.bookedCount) {
          throw new UserInputError('Please check the highlighted fields.', { capacity: `${s.bookedCount} people are booked; the capacity cannot be lower than that.` });
        }
        if (!why && s.bookedCount + s.waitingCount > 0) {
          throw new UserInputError('Please give a reason: everyone booked is told about the change.', { reason: 'Tell the people booked why it changed.' });
        }
        const timeChanged = checked.startUtc !== s.startUtc || checked.endUtc !== s.endUtc;
        const next: TrainingSession = {
          ...s,
          ...checked,
          venue: checked.venue,
          joinUrl: checked.joinUrl,
          notes: checked.notes,
          courseId: course.id,
          courseName: course.name,
          trainerName: checked.trainerName ?? s.trainerName,
          revision: s.revision + 1,
          timeSetAt: checked.startUtc !== s.startUtc ? nowIso() : s.timeSetAt,
          updatedAt: nowIso(),
        };
        const promoted = await promotions(next, Math.min(checked.capacity - s.bookedCount, MAX_PROMOTIONS_PER_WRITE));
        next.bookedCount += promoted.length;
        next.waitingCount -= promoted.length;
        const writes: SessionWrite[] = [{ op: 'updateSession', session: next }, ...promoted.map((b) => ({ op: 'updateBooking' as const, booking: b }))];
        await sessions.commit(id, writes);
        return { before: s, after: next, promoted, timeChanged };
      });
      const { before, timeChanged } = result;
      let { after, promoted } = result;
      // A capacity raised by more than one transaction can carry: the rest of the waiting list moves up in further
      // transactions, each conditional on the session row as the one before left it.
      for (let more = promoted.length === MAX_PROMOTIONS_PER_WRITE; more; ) {
        const step = await withRetry(id, async () => {
          const s = await mustGet(id);
          const next: TrainingSession = { ...s, updatedAt: nowIso() };
          const batch = await promotions(next, Math.min(next.capacity - next.bookedCount, MAX_PROMOTIONS_PER_WRITE));
          if (!batch.length) return { session: s, batch };
          next.bookedCount += batch.length;
          next.waitingCount -= batch.length;
          await sessions.commit(id, [{ op: 'updateSession', session: next }, ...batch.map((b) => ({ op: 'updateBooking' as const, booking: b }))]);
          return { session: next, batch };
        });
        after = step.session;
        promoted = [...promoted, ...step.batch];
        more = step.batch.length === MAX_PROMOTIONS_PER_WRITE;
      }
      logger.info({ sessionId: id, by: by.id, revision: after.revision, timeChanged, promoted: promoted.length }, 'training session changed');
      if (before.bookedCount + before.waitingCount > 0) {
        await runner.start(`changed:${id}:r${after.revision}`, 'changed', id, {
          audience: { kind: 'booked+waiting' },
          reason: why,
          previousStartUtc: timeChanged ? before.startUtc : undefined,
        });
      }
      await announcePromotions(after, promoted);
      return (await sessions.get(id)) ?? after;
    },

    async cancelSession(id, reason, by) {
      const why = reason.trim().slice(0, 500);
      if (!why) throw new UserInputError('Please give a reason: everyone booked is told.', { reason: 'Tell the people booked why it is cancelled.' });
      const res = await withRetry(id, async () => {
        const s = await mustGet(id);
        if (s.status === 'cancelled') return { session: s, changed: false };
        if (started(s)) throw new UserInputError('This session has already started, so it can no longer be cancelled.');
        const next: TrainingSession = { ...s, status: 'cancelled', cancelReason: why, cancelledAt: nowIso(), updatedAt: nowIso() };
        await sessions.commit(id, [{ op: 'updateSession', session: next }]);
        return { session: next, changed: true };
      });
      if (res.changed) {
        logger.info({ sessionId: id, by: by.id, booked: res.session.bookedCount, waiting: res.session.waitingCount }, 'training session cancelled');
        if (res.session.bookedCount + res.session.waitingCount > 0) {
          await runner.start(`cancelled:${id}`, 'cancelled', id, { audience: { kind: 'booked+waiting' }, reason: why });
        }
      }
      return res;
    },

    getSession: (id) => sessions.get(id),

    async upcoming(opts = {}) {
      const now = clock.now();
      let list = await sessions.listByStart(now.toISOString(), new Date(now.getTime() + 400 * DAY).toISOString(), 'scheduled');
      if (opts.courseId) list = list.filter((s) => s.courseId === opts.courseId);
      return Promise.all(list.slice(0, opts.limit ?? 10).map((s) => viewOf(s, opts.personId)));
    },

    async trainerSessions(limit = 15) {
      const now = clock.now();
      const list = await sessions.listByStart(new Date(now.getTime() - DAY).toISOString(), new Date(now.getTime() + 400 * DAY).toISOString());
      return list.filter((s) => new Date(s.endUtc).getTime() > now.getTime()).slice(0, limit);
    },

    async view(sessionId, personId) {
      const s = await sessions.get(sessionId);
      return s ? viewOf(s, personId) : undefined;
    },

    async book(sessionId, person) {
      const personId = person.id;
      const res = await withRetry(sessionId, async () => {
        const s = await mustGet(sessionId);
        if (s.status === 'cancelled') throw new UserInputError('Sorry, this session has been cancelled, so it cannot be booked.');
        if (started(s)) throw new UserInputError('This session has already started, so it can no longer be booked.');
        const b = await sessions.getBooking(sessionId, personId);
        if (b && b.status !== 'cancelled') return { outcome: (b.status === 'booked' ? 'already-booked' : 'already-waiting') as BookOutcome, s, b };
        const place = s.bookedCount < s.capacity;
        const now = nowIso();
        const next: TrainingSession = place
          ? { ...s, bookedCount: s.bookedCount + 1, updatedAt: now }
          : { ...s, waitingCount: s.waitingCount + 1, waitSeq: s.waitSeq + 1, updatedAt: now };
        const booking: Booking = {
          sessionId,
          personId,
          personName: person.name.slice(0, 100) || 'Unknown',
          status: place ? 'booked' : 'waiting',
          waitPosition: place ? undefined : s.waitSeq + 1,
          bookedAt: now,
          updatedAt: now,
          etag: b?.etag,
        };
        await sessions.commit(sessionId, [{ op: 'updateSession', session: next }, b ? { op: 'updateBooking', booking } : { op: 'createBooking', booking }]);
        return { outcome: (place ? 'booked' : 'waiting') as BookOutcome, s: next, b: booking };
      });
      await indexSafely(personId, sessionId, res.b.status, res.s.startUtc);
      if (res.outcome === 'booked' || res.outcome === 'waiting') logger.info({ sessionId, user: personId, outcome: res.outcome }, 'training booking');
      const s = (await sessions.get(sessionId)) ?? res.s;
      return { outcome: res.outcome, view: await viewOf(s, personId) };
    },

    async cancelBooking(sessionId, personId) {
      const res = await withRetry(sessionId, async () => {
        const s = await mustGet(sessionId);
        const b = await sessions.getBooking(sessionId, personId);
        if (!b || b.status === 'cancelled') return { outcome: 'not-booked' as const, s, promoted: [] as Booking[] };
        if (started(s) && s.status === 'scheduled') throw new UserInputError('This session has already started, so the booking can no longer be cancelled here.');
        const now = nowIso();
        const next: TrainingSession = { ...s, updatedAt: now };
        if (b.status === 'booked') next.bookedCount = Math.max(0, s.bookedCount - 1);
        else next.waitingCount = Math.max(0, s.waitingCount - 1);
        const promoted = b.status === 'booked' ? (await promotions(next, next.capacity - next.bookedCount)).filter((p) => p.personId !== personId) : [];
        next.bookedCount += promoted.length;
        next.waitingCount -= promoted.length;
        const cancelled: Booking = { ...b, status: 'cancelled', cancelledAt: now, updatedAt: now };
        await sessions.commit(sessionId, [
          { op: 'updateSession', session: next },
          { op: 'updateBooking', booking: cancelled },
          ...promoted.map((p) => ({ op: 'updateBooking' as const, booking: p })),
        ]);
        return { outcome: 'cancelled' as const, s: next, promoted };
      });
      if (res.outcome === 'cancelled') {
        await indexSafely(personId, sessionId, 'cancelled', res.s.startUtc);
        logger.info({ sessionId, user: personId, promoted: res.promoted.length }, 'training booking cancelled');
        await announcePromotions(res.s, res.promoted);
      }
      const s = (await sessions.get(sessionId)) ?? res.s;
      return { outcome: res.outcome, promoted: res.promoted[0], view: await viewOf(s, personId) };
    },

    async myBookings(personId) {
      const now = clock.now().getTime();
      const views: SessionView[] = [];
      for (const id of await index.sessionIds(personId)) {
        const s = await sessions.get(id);
        if (!s || new Date(s.endUtc).getTime() <= now) continue;
        const v = await viewOf(s, personId);
        if (v.booking) views.push(v);
      }
      return views.sort((a, b) => a.session.startUtc.localeCompare(b.session.startUtc));
    },

    async attendees(sessionId) {
      const session = await mustGet(sessionId);
      const all = await sessions.bookings(sessionId);
      return {
        session,
        booked: all.filter((b) => b.status === 'booked').sort((a, b) => a.personName.localeCompare(b.personName, 'en-GB')),
        waiting: all.filter((b) => b.status === 'waiting'),
      };
    },

    async attendeesCsv(sessionId) {
      const session = await mustGet(sessionId);
      return attendeesCsv(session, await sessions.bookings(sessionId));
    },

    async sendMessage(sessionId, text, from, requestId) {
      const body = text.trim();
      if (!body) throw new UserInputError('Please write the message to send.', { message: 'Write a message.' });
      if (body.length > 2000) throw new UserInputError('The message can be at most 2,000 characters.', { message: 'At most 2,000 characters.' });
      const s = await mustGet(sessionId);
      if (s.status === 'cancelled') throw new UserInputError('This session was cancelled; the people booked have already been told.');
      if (new Date(s.endUtc).getTime() <= clock.now().getTime()) throw new UserInputError('This session has already finished.');
      const jobId = `message:${sessionId}:${REQUEST_ID.test(requestId) ? requestId : newRequestId()}`;
      const created = await runner.start(jobId, 'message', sessionId, { audience: { kind: 'booked' }, text: body, from: from.name });
      logger.info({ sessionId, by: from.id, jobId, created }, 'trainer message to booked people');
      return { jobId, recipients: s.bookedCount, created };
    },

    tick: (opts) => ticker.tick(opts),
    whenIdle: () => runner.whenIdle(),
    stop() {
      ticker.stop();
      runner.stop();
    },
  };
}
