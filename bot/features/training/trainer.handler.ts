import type { TurnContext } from 'botbuilder';
import { escapeCardText } from '../../../cards/card';
import { buildCoursesCard } from '../../../cards/training-courses.card';
import type { CardNotice } from '../../../cards/training-sessions.card';
import { buildAttendeesCard, buildRemindCard, buildTrainerSessionsCard } from '../../../cards/training-trainer.card';
import { cancelSessionSubmitSchema, courseSubmitSchema, fieldErrorsOf, remindSubmitSchema, trainerSessionActionSchema } from '../../../cards/training-trainer.submit';
import { peopleText } from '../../../cards/training-session.block';
import { UserInputError } from '../../../src/errors';
import { newRequestId, type TrainingService } from '../../../src/training/training.service';
import type { BotDeps } from '../../deps';
import { sendCard } from '../../reply';
import { answerCard, noticeFor, personOf, requireTrainer, str } from './training-turn';
import { offerCsv, registerCsvSource } from '../../files/csv-offer';
import { sendCardPrivately } from '../../private-reply';

/** `training list`: sessions with bookings per session and the trainer's buttons. */
export async function showTrainerList(ctx: TurnContext, deps: BotDeps, svc: TrainingService, opts: { notice?: CardNotice; fromCard?: boolean } = {}): Promise<void> {
  if (!(await requireTrainer(ctx, deps, 'training list'))) return;
  const card = buildTrainerSessionsCard({ sessions: await svc.trainerSessions(), requestId: newRequestId(), notice: opts.notice });
  await answerCard(ctx, card, Boolean(opts.fromCard));
}

export const ATTENDEES_CSV_KIND = 'training-attendees-csv';

registerCsvSource({
  kind: ATTENDEES_CSV_KIND,
  allowed: (ctx, deps) => deps.roles.has('trainer', ctx.activity.from?.aadObjectId),
  build: async (_ctx, deps, context) => {
    const { filename, csv } = await (deps.features.training as { service: TrainingService }).service.attendeesCsv(String(context.sessionId));
    return { name: filename, csv };
  },
});

/** Attendees card, CSV file, or the edit form, for one session. */
export async function trainerSessionAction(ctx: TurnContext, deps: BotDeps, svc: TrainingService, data: Record<string, unknown>): Promise<'edit' | void> {
  const parsed = trainerSessionActionSchema.safeParse(data);
  if (!(await requireTrainer(ctx, deps, String(data.verb)))) return;
  if (!parsed.success) return void (await ctx.sendActivity('That button is no longer valid. Type **training list** to see the sessions.'));
  const { verb, sessionId } = parsed.data;
  if (verb === 'trainingEdit') return 'edit';
  try {
    if (verb === 'trainingAttendees') {
      const a = await svc.attendees(sessionId);
      // Names of the people booked: for the trainer alone, so never in a channel or group chat.
      await sendCardPrivately(ctx, deps, buildAttendeesCard({ ...a, requestId: newRequestId() }), 'Attendees', 'training list');
    } else {
      const { filename, csv } = await svc.attendeesCsv(sessionId);
      await offerCsv(ctx, deps, {
        kind: ATTENDEES_CSV_KIND,
        name: filename,
        csv,
        description: 'Attendee list for one training session (names and agencies of the people booked).',
        context: { sessionId },
        command: 'training list',
      });
      deps.logger.info({ activityId: ctx.activity.id, user: ctx.activity.from?.aadObjectId, sessionId }, 'attendee csv sent');
    }
  } catch (e) {
    await ctx.sendActivity(noticeFor(ctx, deps, e, verb).text);
  }
}

/** Cancel session (reason required): everyone booked or waiting is told. */
export async function submitCancelSession(ctx: TurnContext, deps: BotDeps, svc: TrainingService, data: Record<string, unknown>): Promise<void> {
  if (!(await requireTrainer(ctx, deps, 'training cancel'))) return;
  const parsed = cancelSessionSubmitSchema.safeParse(data);
  if (!parsed.success) {
    const errors = fieldErrorsOf(parsed.error);
    return showTrainerList(ctx, deps, svc, { fromCard: true, notice: { tone: 'attention', text: errors.reason ? 'Please give a reason for cancelling: it is sent to everyone booked. Nothing was changed.' : 'That button is no longer valid.' } });
  }
  let notice: CardNotice;
  try {
    const { session, changed } = await svc.cancelSession(parsed.data.sessionId, parsed.data.reason, personOf(ctx));
    const people = session.bookedCount + session.waitingCount;
    notice = changed ? { tone: 'good', text: `Cancelled ${escapeCardText(session.courseName)}. ${people ? `The ${peopleText(people)} booked or waiting ${people === 1 ? 'is' : 'are'} being told.` : 'Nobody had booked.'}` } : { tone: 'warning', text: 'That session was already cancelled.' };
  } catch (e) {
    notice = noticeFor(ctx, deps, e, 'training cancel');
  }
  await showTrainerList(ctx, deps, svc, { fromCard: true, notice });
}

/** `training remind`: the card to pick a session and write the message. */
export async function showRemindCard(ctx: TurnContext, deps: BotDeps, svc: TrainingService): Promise<void> {
  if (!(await requireTrainer(ctx, deps, 'training remind'))) return;
  await sendCard(ctx, buildRemindCard({ sessions: await svc.trainerSessions(), requestId: newRequestId() }), 'Message the people booked');
}

/** Send to everyone booked: once per form, however often it is clicked. */
export async function submitRemind(ctx: TurnContext, deps: BotDeps, svc: TrainingService, data: Record<string, unknown>): Promise<void> {
  if (!(await requireTrainer(ctx, deps, 'training remind'))) return;
  const requestId = str(data.requestId) ?? newRequestId();
  const parsed = remindSubmitSchema.safeParse({ ...data, requestId });
  const again = async (fieldErrors: Record<string, string>, notice?: CardNotice) =>
    answerCard(ctx, buildRemindCard({ sessions: await svc.trainerSessions(), requestId, values: data, fieldErrors, notice }), true);
  if (!parsed.success) return again(fieldErrorsOf(parsed.error));
  try {
    const { recipients, created } = await svc.sendMessage(parsed.data.sessionId, parsed.data.message, personOf(ctx), parsed.data.requestId);
    const text = created ? `Your message is on its way to the ${peopleText(recipients)} booked.` : 'That message was already sent; it goes to each person once.';
    await showTrainerList(ctx, deps, svc, { fromCard: true, notice: { tone: 'good', text } });
  } catch (e) {
    if (e instanceof UserInputError && e.fieldErrors) return again(e.fieldErrors, { tone: 'attention', text: e.message });
    await again({}, noticeFor(ctx, deps, e, 'training remind'));
  }
}

/** `training courses`: the catalogue, with add / rename. */
export async function showCourses(ctx: TurnContext, deps: BotDeps, svc: TrainingService, opts: { notice?: CardNotice; fromCard?: boolean; values?: Record<string, unknown>; fieldErrors?: Record<string, string> } = {}): Promise<void> {
  if (!(await requireTrainer(ctx, deps, 'training courses'))) return;
  await answerCard(ctx, buildCoursesCard({ courses: await svc.listCourses(), ...opts }), Boolean(opts.fromCard));
}

export async function submitCourse(ctx: TurnContext, deps: BotDeps, svc: TrainingService, data: Record<string, unknown>): Promise<void> {
  if (!(await requireTrainer(ctx, deps, 'training course save'))) return;
  const parsed = courseSubmitSchema.safeParse(data);
  if (!parsed.success) return showCourses(ctx, deps, svc, { fromCard: true, values: data, fieldErrors: fieldErrorsOf(parsed.error), notice: { tone: 'attention', text: 'Please check the highlighted fields.' } });
  try {
    const c = await svc.saveCourse({ id: parsed.data.courseId, name: parsed.data.name, description: parsed.data.description }, personOf(ctx).id);
    await showCourses(ctx, deps, svc, { fromCard: true, notice: { tone: 'good', text: `Saved: ${escapeCardText(c.name)}.` } });
  } catch (e) {
    const fieldErrors = e instanceof UserInputError ? e.fieldErrors : undefined;
    await showCourses(ctx, deps, svc, { fromCard: true, values: data, fieldErrors, notice: noticeFor(ctx, deps, e, 'training course save') });
  }
}
