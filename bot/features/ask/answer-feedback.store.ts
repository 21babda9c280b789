import type { Clock } from '../../../src/clock';
import type { ConversationContext } from '../../../src/knowledge/understand/follow-up';
import { contentStems } from '../../../src/knowledge/understand/neighbours';
import { maskPersonalDetails } from '../../../src/privacy/mask';
import type { Tables } from '../../../src/storage/tables';
import { getOrUndefined, safeKey } from '../../../src/storage/tables';

/** How long a conversation's last question is kept for follow-ups ("and who chairs it?"). */
export const FOLLOW_UP_MINUTES = 30;

/**
 * Per answer message and per conversation, in the AnswerMessages table (purged by age with the answer log,
 * src/privacy/retention.ts):
 * - Teams' feedback buttons report the bot message's id (replyToId), not our answer id: each answer message's
 *   activity id is mapped to its answer-log id (partition "m");
 * - a client that sends feedback without replyToId (the Agents Playground) is mapped to the conversation's
 *   latest answer (partition "latest");
 * - the conversation's last question, as its content-word stems of the masked question only (never the words as typed,
 *   never a name, date or phone number), and the
 *   passages its answer quoted, for follow-up questions within FOLLOW_UP_MINUTES (partition "ctx").
 */
export function createAnswerMessageMap(tables: Tables, clock: Clock) {
  const table = tables.client('AnswerMessages');
  return {
    async remember(activityId: string, answerId: string, conversationId?: string): Promise<void> {
      const createdAt = clock.now().toISOString();
      await table.upsertEntity({ partitionKey: 'm', rowKey: safeKey(activityId), answerId, createdAt }, 'Replace');
      if (conversationId) await table.upsertEntity({ partitionKey: 'latest', rowKey: safeKey(conversationId), answerId, createdAt }, 'Replace');
    },
    async answerIdFor(activityId: string | undefined): Promise<string | undefined> {
      if (!activityId) return undefined;
      const row = await getOrUndefined<{ answerId: string }>(table, 'm', safeKey(activityId));
      return row?.answerId;
    },
    /** The conversation's most recent answer (for feedback that names no message). */
    async latestAnswerIn(conversationId: string | undefined): Promise<string | undefined> {
      if (!conversationId) return undefined;
      const row = await getOrUndefined<{ answerId: string }>(table, 'latest', safeKey(conversationId));
      return row?.answerId;
    },
    async contextFor(conversationId: string): Promise<ConversationContext | undefined> {
      const row = await getOrUndefined<{ stems: string; chunkIds: string; at: number }>(table, 'ctx', safeKey(conversationId));
      if (!row || clock.now().getTime() - row.at > FOLLOW_UP_MINUTES * 60_000) return undefined;
      return { question: row.stems, chunkIds: JSON.parse(row.chunkIds) as string[], at: row.at };
    },
    async saveContext(conversationId: string, context: ConversationContext): Promise<void> {
      // Masked first: a child's name, date of birth or phone number never reaches storage, even as stems.
      const stems = contentStems(maskPersonalDetails(context.question.slice(0, 2000))).join(' ');
      await table.upsertEntity(
        { partitionKey: 'ctx', rowKey: safeKey(conversationId), stems, chunkIds: JSON.stringify(context.chunkIds.slice(0, 5)), at: context.at, createdAt: clock.now().toISOString() },
        'Replace',
      );
    },
    /** A command ends the topic: the next question stands on its own. */
    async clearContext(conversationId: string): Promise<void> {
      try {
        await table.deleteEntity('ctx', safeKey(conversationId));
      } catch (e) {
        if ((e as { statusCode?: number }).statusCode !== 404) throw e;
      }
    },
  };
}
export type AnswerMessageMap = ReturnType<typeof createAnswerMessageMap>;
