import { trainingRenderer } from '../../cards/training-messages';
import { TRAINING_VERBS } from '../../cards/training-session.block';
import { createTrainingService, type TrainingService } from '../../src/training/training.service';
import { createTrainingScheduler, type TrainingScheduler } from '../../src/training/training.scheduler';
import { errorFields } from '../../src/logger';
import type { FeatureFactory } from '../deps';
import { executeBooking, submitBooking } from './training/booking.handler';
import { openSessionForm, submitSessionForm } from './training/session-form.handler';
import { showMyTraining, showSessions, submitFilter } from './training/sessions.handler';
import { showCourses, showRemindCard, showTrainerList, submitCancelSession, submitCourse, submitRemind, trainerSessionAction } from './training/trainer.handler';

/** What other features and tests reach through `deps.features.training`. */
export interface TrainingFeature {
  service: TrainingService;
  scheduler: TrainingScheduler;
}

/**
 * Training: practitioners list, book and cancel sessions (Universal Actions with Submit fallbacks), trainers
 * publish, change, cancel and message sessions; reminders go out through the outbox, started by a look every 15 s.
 */
export const trainingFeature: FeatureFactory = async (deps) => {
  const engine = deps.delivery;
  const service = createTrainingService({
    tables: deps.tables,
    clock: deps.clock,
    logger: deps.logger,
    engine,
    conversations: {
      target: (kind, key) => deps.conversations.target(kind, key),
      async remember(kind, key, target) {
        await deps.conversations.upsert({ kind, key, conversationId: target.conversationId, serviceUrl: target.serviceUrl, tenantId: target.tenantId, channelId: target.channelId ?? 'msteams', userId: target.userId });
      },
    },
    render: trainingRenderer,
    settings: deps.config.training,
  });
  try {
    await service.seedCourses(deps.config.guidanceDir);
  } catch (e) {
    deps.logger.error(errorFields(e), 'training courses could not be seeded; trainers can add them');
  }
  const scheduler = createTrainingScheduler((opts) => service.tick(opts), deps.logger);
  deps.features.training = { service, scheduler } satisfies TrainingFeature;
  const V = TRAINING_VERBS;

  return {
    name: 'training',
    commands: [
      { name: 'training new', pattern: /^training\s+new$/i, run: (ctx, d) => openSessionForm(ctx, d, service) },
      { name: 'training list', pattern: /^training\s+list$/i, run: (ctx, d) => showTrainerList(ctx, d, service) },
      { name: 'training remind', pattern: /^training\s+remind$/i, run: (ctx, d) => showRemindCard(ctx, d, service) },
      { name: 'training courses', pattern: /^training\s+courses$/i, run: (ctx, d) => showCourses(ctx, d, service) },
      { name: 'my training', pattern: /^my\s+(?:training|bookings?)$/i, run: (ctx, d) => showMyTraining(ctx, d, service) },
      // (asked in words, the message may name a course: the list opens filtered to it)
      { name: 'training', pattern: /^(?:training|courses)$/i, run: (ctx, d, text) => showSessions(ctx, d, service, text) },
    ],
    submits: [
      { verb: V.list, run: (ctx, d, data) => submitFilter(ctx, d, service, data) },
      { verb: V.filter, run: (ctx, d, data) => submitFilter(ctx, d, service, data) },
      { verb: V.book, run: (ctx, d, data) => submitBooking(ctx, d, service, data) },
      { verb: V.cancelBooking, run: (ctx, d, data) => submitBooking(ctx, d, service, data) },
      { verb: V.mine, run: (ctx, d) => showMyTraining(ctx, d, service) },
      { verb: V.newSession, run: (ctx, d) => openSessionForm(ctx, d, service) },
      { verb: V.save, run: (ctx, d, data) => submitSessionForm(ctx, d, service, data) },
      ...[V.edit, V.attendees, V.attendeesCsv].map((verb) => ({
        verb,
        run: async (ctx: Parameters<typeof submitFilter>[0], d: Parameters<typeof submitFilter>[1], data: Record<string, unknown>) => {
          if ((await trainerSessionAction(ctx, d, service, data)) === 'edit') await openSessionForm(ctx, d, service, String(data.sessionId));
        },
      })),
      { verb: V.cancelSession, run: (ctx, d, data) => submitCancelSession(ctx, d, service, data) },
      { verb: V.remind, run: (ctx, d, data) => submitRemind(ctx, d, service, data) },
      { verb: V.trainerList, run: (ctx, d) => showTrainerList(ctx, d, service) },
      { verb: V.courses, run: (ctx, d) => showCourses(ctx, d, service) },
      { verb: V.courseSave, run: (ctx, d, data) => submitCourse(ctx, d, service, data) },
    ],
    intents: { training: 'training', 'my-training': 'my training' },
    executeVerbs: [V.book, V.cancelBooking],
    register(app) {
      app.adaptiveCards.actionExecute<Record<string, unknown>>([V.book, V.cancelBooking], (ctx, _state, data) => executeBooking(ctx, deps, service, data) as never);
    },
    start: () => scheduler.start(),
    async stop() {
      await scheduler.stop();
      service.stop();
      await service.whenIdle();
    },
  };
};
