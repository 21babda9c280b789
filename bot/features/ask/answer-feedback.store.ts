import type { Clock } from '../../../src/clock';
import type { Tables } from '../../../src/storage/tables';
import { getOrUndefined, safeKey } from '../../../src/storage/tables';

/**
 * Teams' feedback buttons report the bot message's id (replyToId), not our answer id, so each answer message's
 * activity id is mapped to its answer-log id here. Rows are partitioned by day so retention purges whole days.
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
    /** Deletes mappings older than the answer log's retention. */
    async purge(retentionDays: number): Promise<number> {
      const cutoff = new Date(clock.now().getTime() - retentionDays * 86_400_000).toISOString();
      let n = 0;
      const old = table.listEntities<{ createdAt: string }>({ queryOptions: { filter: `PartitionKey eq 'm' and createdAt lt '${cutoff}'` } });
      for await (const row of old) {
        await table.deleteEntity(row.partitionKey!, row.rowKey!).catch(() => undefined);
        n++;
      }
      return n;
    },
  };
}
export type AnswerMessageMap = ReturnType<typeof createAnswerMessageMap>;
