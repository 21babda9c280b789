import type { TurnContext } from 'botbuilder';
import { trainingFilterSchema } from '../../../cards/training-booking.submit';
import { buildMyTrainingCard, buildTrainingSessionsCard, type CardNotice } from '../../../cards/training-sessions.card';
import type { AdaptiveCard } from '../../../cards/card';
import type { TrainingService } from '../../../src/training/training.service';
import type { BotDeps } from '../../deps';
import { sendCard } from '../../reply';
import { sendCardPrivately } from '../../private-reply';
import { answerCard, personOf } from './training-turn';
import { courseNamedIn } from '../../../src/training/course-match';

const SHOWN = 10;

/**
 * The practitioner's sessions card: upcoming sessions (optionally one course), their own booking on each. A notice
 * may depend on whether anything at all is coming up (read from the sessions the card lists anyway).
 */
export async function sessionsCard(svc: TrainingService, personId: string, courseId?: string, notice?: CardNotice | ((anyComing: boolean) => CardNotice)): Promise<AdaptiveCard> {
  const [all, views] = await Promise.all([svc.upcoming({ limit: 200 }), svc.upcoming({ courseId, personId, limit: SHOWN + 1 })]);
  if (typeof notice === 'function') notice = notice(all.length > 0);
  const courses = new Map<string, string>();
  for (const v of all) courses.set(v.session.courseId, v.session.courseName);
  if (courseId && !courses.has(courseId)) {
    const c = await svc.getCourse(courseId); // a course with nothing coming up still names the filter
    if (c) courses.set(c.id, c.name);
  }
  const list = [...courses.entries()].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
  return buildTrainingSessionsCard({ views: views.slice(0, SHOWN), courses: list, courseId: courseId || undefined, notice, more: views.length > SHOWN });
}

export async function myTrainingCard(svc: TrainingService, personId: string, notice?: CardNotice): Promise<AdaptiveCard> {
  return buildMyTrainingCard({ views: await svc.myBookings(personId), notice });
}

/**
 * The sessions card for `training`, typed or asked in words. A message that names a course ("any self harm
 * training coming up?") opens the list filtered to it (`courseNamedIn`); when that course has nothing coming up,
 * the person is told so above the whole list, rather than shown an empty one.
 */
export async function showSessions(ctx: TurnContext, _deps: BotDeps, svc: TrainingService, message?: string): Promise<void> {
  let courseId: string | undefined;
  let notice: ((anyComing: boolean) => CardNotice) | undefined;
  if (message?.trim()) {
    const courses = await svc.listCourses(); // (active ones only)
    const named = courseNamedIn(message, courses);
    if (named) {
      const coming = await svc.upcoming({ courseId: named, limit: 1 });
      if (coming.length) courseId = named;
      else {
        const name = courses.find((c) => c.id === named)?.name ?? 'that course';
        notice = (others) => ({ tone: 'warning', text: `Nothing is coming up for ${name} yet.${others ? ' Here is all the training that is.' : ''}` });
      }
    }
  }
  await sendCard(ctx, await sessionsCard(svc, personOf(ctx).id, courseId, notice), 'Upcoming training');
}

/** The course filter (and the Training button of the help card). */
export async function submitFilter(ctx: TurnContext, _deps: BotDeps, svc: TrainingService, data: Record<string, unknown>): Promise<void> {
  const parsed = trainingFilterSchema.safeParse(data);
  const courseId = parsed.success ? parsed.data.courseId || undefined : undefined;
  const card = await sessionsCard(svc, personOf(ctx).id, courseId);
  // The filter re-renders its own card; the help card's Training button opens a new one.
  await answerCard(ctx, card, parsed.success && parsed.data.verb === 'trainingFilter');
}

/** `my training`: the person's own bookings and waiting-list places, in their 1:1 chat only. */
export async function showMyTraining(ctx: TurnContext, deps: BotDeps, svc: TrainingService): Promise<void> {
  await sendCardPrivately(ctx, deps, await myTrainingCard(svc, personOf(ctx).id), 'My training', 'my training');
}
