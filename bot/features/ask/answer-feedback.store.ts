import type { Clock } from '../../../src/clock';
import type { Tables } from '../../../src/storage/tables';
import { getOrUndefined, safeKey } from '../../../src/storage/tables';

/**
 * Teams' feedback buttons report the bot message's id (replyToId), not our answer id, so each answer message's
 * activity id is mapped to its answer-log id here. The retention purge (src/privacy/retention.ts) deletes them by age.
 */
export function createAnswerMessageMap(tables: Tables, clock: Clock) {
  const table = tables.client('AnswerMessages');
  return {
    async remember(activityId: string, answerId: string): Promise<void> {
      await table.upsertEntity({ partitionKey: 'm', rowKey: safeKey(activityId), answerId, createdAt: clock.now().toISOString() }, 'Replace');
    },
    async answerIdFor(activityId: string | undefined): Promise<string | undefined> {
      if (!activityId) return undefined;
      const row = await getOrUndefined<{ answerId: string }>(table, 'm', safeKey(activityId));
      return row?.answerId;
    },
  };
}
export type AnswerMessageMap = ReturnType<typeof createAnswerMessageMap>;
