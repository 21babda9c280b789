import type { TurnContext } from 'botbuilder';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { buildAnswerMessage } from '../../cards/answer.message';
import { createAnswerLogStore, type AnswerLogStore } from '../../src/knowledge/answer-log.store';
import { detectIntent } from '../../src/knowledge/intent';
import { createKnowledgeService, type KnowledgeService } from '../../src/knowledge/knowledge.service';
import { detectUrgent } from '../../src/knowledge/safety/urgent';
import { createIntervalJob } from '../../src/scheduler/interval-job';
import { createLeasedJob } from '../../src/scheduler/leased-job';
import type { BotDeps, FeatureFactory } from '../deps';
import { requireRole } from '../turn';
import { createAnswerMessageMap, type AnswerMessageMap } from './ask/answer-feedback.store';
import { createGeneratorFromConfig } from '../knowledge/teams-ai-generator';

export interface AskServices {
  knowledge: KnowledgeService;
  answerLog: AnswerLogStore;
  messages: AnswerMessageMap;
}

/**
 * Answers one question. The answer goes out first; logging it (and mapping the message to the log for the
 * feedback buttons) is queued after it, so neither the person nor the HTTP response waits on storage, and
 * storage trouble never silences advice.
 */
export async function answerQuestion(ctx: TurnContext, deps: BotDeps, question: string): Promise<void> {
  const svc = deps.features.ask as AskServices;
  const result = await svc.knowledge.ask(question);
  const message = buildAnswerMessage(result, { feedbackLoop: !result.urgent });
  const sent = await ctx.sendActivity({ type: 'message', ...message } as never);
  const activityId = ctx.activity.id;
  deps.logger.info({ activityId, notFound: result.notFound, urgent: result.urgent, sources: result.sources.map((s) => s.chunkId) }, 'answered');
  let answerId: string | undefined;
  deps.bookkeeping.push('answer log', async () => {
    // A retry after a storage blip carries on from the step that failed (the answer is logged once).
    answerId ??= await svc.answerLog.record(question, result);
    if (sent?.id) await svc.messages.remember(sent.id, answerId);
    deps.logger.debug({ activityId, answerId }, 'answer logged');
  });
}

async function recordFeedback(ctx: TurnContext, deps: BotDeps, answerId: string | undefined, rating: 'up' | 'down', comment?: string): Promise<boolean> {
  const svc = deps.features.ask as AskServices;
  const user = ctx.activity.from?.aadObjectId ?? ctx.activity.from?.id ?? 'unknown';
  if (!answerId) return false;
  try {
    await svc.answerLog.recordFeedback(answerId, user, rating, comment?.slice(0, 1000));
    deps.logger.info({ activityId: ctx.activity.id, answerId, rating }, 'feedback recorded');
    return true;
  } catch (e) {
    deps.logger.warn({ activityId: ctx.activity.id, answerId, err: (e as Error).name }, 'feedback not recorded');
    return false;
  }
}

async function answersReport(ctx: TurnContext, deps: BotDeps): Promise<void> {
  if (!(await requireRole(ctx, deps, 'admin', 'answers report', 'Sorry, only CSCP admins can see the answers report.'))) return;
  const stats = await (deps.features.ask as AskServices).answerLog.stats(30, 5);
  const clean = (t: string) => t.replace(/[<>*_`[\]#|]/g, '').slice(0, 200);
  const worst = stats.worst.length
    ? stats.worst
        .map((w, i) => `${i + 1}. ${clean(w.question)} — 👍 ${w.up} 👎 ${w.down}${w.comments.length ? ` — “${clean(w.comments[0])}”` : ''}`)
        .join('\n')
    : 'No thumbs-down in this period.';
  await ctx.sendActivity(
    [
      '**Answers in the last 30 days**',
      `- questions answered: ${stats.answers}`,
      `- "not found": ${stats.notFound}`,
      `- urgent (999 first): ${stats.urgent}`,
      `- 👍 ${stats.thumbsUp} · 👎 ${stats.thumbsDown}`,
      '',
      '**Worst-rated recent questions**',
      worst,
    ].join('\n'),
  );
}

/** The guidance Q&A: free text that is no command lands here; also feedback, follow-ups and the retention purge. */
export const askFeature: FeatureFactory = async (deps) => {
  // Generative answers only when a model is configured; otherwise (and on any model failure) extractive.
  const generator = createGeneratorFromConfig(deps.config, deps.logger);
  if (generator) deps.logger.info('generative answers on (model configured); extractive answers are the fallback');
  const knowledge = createKnowledgeService({ tables: deps.tables, config: deps.config, clock: deps.clock, logger: deps.logger, generator });
  const services: AskServices = {
    knowledge,
    answerLog: createAnswerLogStore(deps.tables, deps.clock),
    messages: createAnswerMessageMap(deps.tables, deps.clock),
  };
  deps.features.ask = services;
  deps.features.knowledge = knowledge;

  await knowledge.init();
  const report = await knowledge.ingestBundled();
  deps.logger.info(
    { added: report.added.length, updated: report.updated.length, unchanged: report.unchanged.length, removed: report.removed.length, failed: report.failed.map((f) => f.file), documents: knowledge.documentCount(), chunks: knowledge.chunkCount() },
    'bundled guidance synced',
  );

  // Another instance may ingest (a newsletter, an upload): every minute, rebuild the index if storage changed.
  const refresh = createIntervalJob(
    'knowledge-refresh',
    60_000,
    async () => {
      if (await knowledge.refreshIfChanged()) deps.logger.info({ documents: knowledge.documentCount() }, 'index rebuilt after a change elsewhere');
    },
    deps.logger,
  );

  // Nightly at 03:17 UK time, on one instance, under a short lease kept by heartbeat: a purge whose instance
  // dies is taken over within seconds (and a night the bot was down is made up at the next start).
  const purge = createLeasedJob({
    name: 'answer-log-purge',
    leases: deps.tables.client('Leases'),
    owner: randomUUID(),
    clock: deps.clock,
    logger: deps.logger,
    due: (last, now) => !last || last.getTime() < lastPurgeSlot(now).getTime(),
    async run() {
      const days = deps.config.safety.answerLogRetentionDays;
      const answers = await services.answerLog.purge(days);
      const maps = await services.messages.purge(days);
      deps.logger.info({ answers, maps, days }, 'answer log purged');
    },
  });

  return {
    name: 'ask',
    // A message about a child at risk is never taken for a command: it goes to the Q&A, which answers 999 first.
    detectIntent: (text: string) => (detectUrgent(text).urgent ? undefined : detectIntent(text)),
    fallback: answerQuestion,
    commands: [{ name: 'answers report', pattern: /^answers?\s+report$/i, run: answersReport }],
    submits: [
      {
        verb: 'ask',
        run: async (ctx, d, data) => {
          const q = typeof data.question === 'string' ? data.question.trim() : '';
          if (!q) {
            await ctx.sendActivity('Please type a question first.');
            return;
          }
          await answerQuestion(ctx, d, q);
        },
      },
    ],
    register(app) {
      app.feedbackLoop(async (ctx, _state, data) => {
        const answerId = await services.messages.answerIdFor(data.replyToId);
        let comment: string | undefined;
        try {
          const parsed = JSON.parse(String(data.actionValue?.feedback ?? '{}')) as { feedbackText?: string };
          comment = parsed.feedbackText;
        } catch {
          comment = undefined;
        }
        await recordFeedback(ctx, deps, answerId, data.actionValue?.reaction === 'like' ? 'up' : 'down', comment);
      });
    },
    start() {
      refresh.start();
      purge.start();
    },
    async stop() {
      await purge.stop();
      await refresh.stop();
    },
  };
};

/** The latest 03:17 UK time at or before `now`: the nightly purge is due once after each. */
export function lastPurgeSlot(now: Date): Date {
  const london = DateTime.fromJSDate(now).setZone('Europe/London');
  let slot = london.set({ hour: 3, minute: 17, second: 0, millisecond: 0 });
  if (slot > london) slot = slot.minus({ days: 1 });
  return slot.toJSDate();
}
