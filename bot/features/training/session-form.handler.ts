import type { TurnContext } from 'botbuilder';
import { buildSessionFormCard } from '../../../cards/training-session-form.card';
import { parseSessionForm } from '../../../cards/training-session-form.submit';
import { buildSessionSavedCard } from '../../../cards/training-trainer.card';
import { UserInputError } from '../../../src/errors';
import { newRequestId, type TrainingService } from '../../../src/training/training.service';
import type { BotDeps } from '../../deps';
import { replaceSubmittedCard, sendCard } from '../../reply';
import { noticeFor, personOf, requireTrainer, str } from './training-turn';

/** `training new` (no id) or Edit / reschedule (an id): the session form. */
export async function openSessionForm(ctx: TurnContext, deps: BotDeps, svc: TrainingService, sessionId?: string): Promise<void> {
  if (!(await requireTrainer(ctx, deps, sessionId ? 'training edit' : 'training new'))) return;
  const courses = await svc.listCourses();
  const session = sessionId ? await svc.getSession(sessionId) : undefined;
  if (sessionId && (!session || session.status === 'cancelled')) {
    await ctx.sendActivity('That session no longer exists or was cancelled, so it cannot be changed.');
    return;
  }
  await sendCard(ctx, buildSessionFormCard({ courses, requestId: newRequestId(), session }), session ? 'Change a training session' : 'New training session');
}

/** Publish / Save changes: parsed by the form's schema, checked by the service; errors re-render the form in place. */
export async function submitSessionForm(ctx: TurnContext, deps: BotDeps, svc: TrainingService, data: Record<string, unknown>): Promise<void> {
  if (!(await requireTrainer(ctx, deps, 'training save'))) return;
  const courses = await svc.listCourses();
  const requestId = str(data.requestId) && /^[A-Za-z0-9-]{6,40}$/.test(str(data.requestId)!) ? str(data.requestId)! : newRequestId();
  const sessionId = str(data.sessionId);
  const session = sessionId ? await svc.getSession(sessionId) : undefined;
  const rerender = (fieldErrors: Record<string, string>, notice?: { tone: 'attention'; text: string }) =>
    replaceSubmittedCard(ctx, buildSessionFormCard({ courses, requestId, session, values: data, fieldErrors, notice }));
  const parsed = parseSessionForm({ ...data, requestId });
  if (!parsed.ok) return rerender(parsed.fieldErrors);
  const by = personOf(ctx);
  try {
    if (parsed.sessionId) {
      const before = await svc.getSession(parsed.sessionId);
      const saved = await svc.updateSession(parsed.sessionId, parsed.input, parsed.reason, by);
      await replaceSubmittedCard(ctx, buildSessionSavedCard(saved, { created: false, told: before ? before.bookedCount + before.waitingCount : 0 }));
    } else {
      const { session: saved, created } = await svc.createSession(parsed.input, by, parsed.requestId);
      await replaceSubmittedCard(ctx, buildSessionSavedCard(saved, { created: true, told: 0 }));
      if (!created) deps.logger.info({ activityId: ctx.activity.id, sessionId: saved.id }, 'session form submitted again; kept the first');
    }
  } catch (e) {
    if (e instanceof UserInputError && e.fieldErrors) return rerender(e.fieldErrors, { tone: 'attention', text: e.message });
    return rerender({}, noticeFor(ctx, deps, e, 'training save') as { tone: 'attention'; text: string });
  }
}
