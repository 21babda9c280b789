import type { TurnContext } from 'botbuilder';
import { buildAnswerMessage } from '../../cards/answer.message';
import { parseAskSubmit } from '../../cards/digest.submit';
import { createAnswerLogStore, type AnswerLogStore } from '../../src/knowledge/answer-log.store';
import { createKnowledgeService, type KnowledgeService } from '../../src/knowledge/knowledge.service';
import { commandIntent } from '../../src/knowledge/understand/route';
import { isPersonal } from '../turn';
import { within } from '../../src/time-limits';
import { createIntervalJob } from '../../src/scheduler/interval-job';
import { createLeasedJob } from '../../src/scheduler/leased-job';
import type { BotDeps, FeatureFactory } from '../deps';
import { personKeyOf, requireRole } from '../turn';
import { replyPrivately } from '../private-reply';
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
 * storage trouble never silences advice. A follow-up ("and who chairs it?") is read against the conversation's
 * previous question; `docId` keeps the answer to one document (a digest's "Ask me about this").
 */
export async function answerQuestion(ctx: TurnContext, deps: BotDeps, question: string, options: { docId?: string } = {}): Promise<void> {
  const svc = deps.features.ask as AskServices;
  const conversationId = ctx.activity.conversation?.id ?? '';
  // The previous turn's context is worth a short wait, never a long one: without it the question stands alone.
  const context = options.docId || !conversationId ? undefined : await within(svc.messages.contextFor(conversationId), CONTEXT_READ_MS);
  const turn = await svc.knowledge.converse(question, context, options);
  const { context: next } = turn;
  // A command is offered only in the person's own chat: in a channel "subscribe" would act for the channel, and
  // in a group chat a subscription or list card would show one person's state to everyone.
  const result = turn.result.offeredCommand && !isPersonal(ctx) ? { ...turn.result, offeredCommand: undefined } : turn.result;
  const message = buildAnswerMessage(result, { feedbackLoop: !result.urgent });
  const sent = await ctx.sendActivity({ type: 'message', ...message } as never);
  const activityId = ctx.activity.id;
  deps.logger.info(
    { activityId, notFound: result.notFound, urgent: result.urgent, followUp: Boolean(context), sources: result.sources.map((s) => s.chunkId) },
    'answered',
  );
  let answerId: string | undefined;
  deps.bookkeeping.push('answer log', async () => {
    // A retry after a storage blip carries on from the step that failed (the answer is logged once).
    answerId ??= await svc.answerLog.record(question, result);
    if (sent?.id) await svc.messages.remember(sent.id, answerId, conversationId);
    deps.logger.debug({ activityId, answerId }, 'answer logged');
  });
  // The person's very next message may be a follow-up: the context is written at once, not held behind logs.
  if (conversationId && next && !result.intent) deps.bookkeeping.push('follow-up context', () => svc.messages.saveContext(conversationId, next), { urgent: true });
}

/** How long the previous turn's context may take to read before the question is answered on its own. */
const CONTEXT_READ_MS = 500;


async function recordFeedback(ctx: TurnContext, deps: BotDeps, answerId: string | undefined, rating: 'up' | 'down', comment?: string): Promise<boolean> {
  const svc = deps.features.ask as AskServices;
  const user = personKeyOf(ctx) || 'unknown';
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
  const report = [
    '**Answers in the last 30 days**',
    `- questions answered: ${stats.answers}`,
    `- "not found": ${stats.notFound}`,
    `- urgent (999 first): ${stats.urgent}`,
    `- 👍 ${stats.thumbsUp} · 👎 ${stats.thumbsDown}`,
    '',
    '**Worst-rated recent questions**',
    worst,
  ].join('\n');
  // The questions (masked as they are) are for admins alone: never posted in a channel or group chat.
  await replyPrivately(ctx, deps, { text: report }, 'answers report');
}

/** The guidance Q&A: free text that is no command lands here; also feedback and follow-ups. */
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


  return {
    name: 'ask',
    // A message about a child at risk is never taken for a command: it goes to the Q&A, which answers 999 first.
    detectIntent: commandIntent,
    // A command ends the topic of conversation: the next question is not read as a follow-up.
    onCommand: async (ctx) => {
      const id = ctx.activity.conversation?.id;
      if (id) await services.messages.clearContext(id).catch(() => undefined);
    },
    fallback: answerQuestion,
    commands: [{ name: 'answers report', pattern: /^answers?\s+report$/i, run: answersReport }],
    submits: [
      {
        verb: 'ask',
        run: async (ctx, d, data) => {
          const ask = parseAskSubmit(data);
          if (!ask) {
            await ctx.sendActivity('Please type a question first.');
            return;
          }
          await answerQuestion(ctx, d, ask.question, { docId: ask.docId });
        },
      },
    ],
    register(app) {
      app.feedbackLoop(async (ctx, _state, data) => {
        // Teams names the answer message (replyToId); a client that does not (the Agents Playground) is taken to
        // mean the conversation's latest answer.
        const answerId =
          (await services.messages.answerIdFor(data.replyToId).catch(() => undefined)) ??
          (await services.messages.latestAnswerIn(ctx.activity.conversation?.id).catch(() => undefined));
        if (!answerId) {
          deps.logger.warn({ activityId: ctx.activity.id, replyToId: Boolean(data.replyToId) }, 'feedback not mapped to an answer');
          await ctx.sendActivity('Thank you — but I could not tell which answer that feedback was for, so it was not saved. Please use 👍/👎 on the answer itself.');
          return;
        }
        let comment: string | undefined;
        try {
          const parsed = JSON.parse(String(data.actionValue?.feedback ?? '{}')) as { feedbackText?: string };
          comment = parsed.feedbackText;
        } catch {
          comment = undefined;
        }
        if (!(await recordFeedback(ctx, deps, answerId, data.actionValue?.reaction === 'like' ? 'up' : 'down', comment))) {
          await ctx.sendActivity('Sorry, your feedback could not be saved just now. Please try again in a minute.');
        }
      });
    },
    // The answer log's retention purge runs with the others in the privacy feature.
    start() {
      refresh.start();
    },
    async stop() {
      await refresh.stop();
      await knowledge.stop();
    },
  };
};
