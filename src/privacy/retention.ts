import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { Clock } from '../clock';
import type { Config } from '../config';
import { createAnswerLogStore } from '../knowledge/answer-log.store';
import { markerKey } from '../escalations/escalation.store';
import { odataString, type Tables } from '../storage/tables';

const DAY = 86_400_000;

export interface RetentionReport {
  /** Answer log rows (with their feedback) older than ANSWER_LOG_RETENTION_DAYS. */
  answers: number;
  /** Feedback-button maps (bot message id → answer id) of the same age. */
  answerMessages: number;
  /** Escalations resolved more than ESCALATION_RETENTION_DAYS ago, with their history and submission markers. */
  escalations: number;
  escalationHistory: number;
  /** Anonymous survey shares logged more than SURVEY_LOG_RETENTION_DAYS ago. */
  surveyShares: number;
}

/** Deletes rows in groups of up to 100 per partition (Table storage's batch limit). */
export async function deleteRows(table: TableClient, rows: { partitionKey: string; rowKey: string }[]): Promise<number> {
  const byPk = new Map<string, string[]>();
  for (const r of rows) byPk.set(r.partitionKey, [...(byPk.get(r.partitionKey) ?? []), r.rowKey]);
  let n = 0;
  for (const [pk, rks] of byPk) {
    for (let i = 0; i < rks.length; i += 100) {
      const actions: TransactionAction[] = rks.slice(i, i + 100).map((rk) => ['delete', { partitionKey: pk, rowKey: rk }]);
      try {
        if (actions.length === 1) await table.deleteEntity(pk, rks[i]);
        else await table.submitTransaction(actions);
        n += actions.length;
      } catch {
        // A row already gone fails the whole batch: delete one by one, counting what was there.
        for (const rk of rks.slice(i, i + 100)) {
          try {
            await table.deleteEntity(pk, rk);
            n++;
          } catch (err) {
            ignoreMissing(err);
          }
        }
      }
    }
  }
  return n;
}

export function ignoreMissing(e: unknown): void {
  if ((e as { statusCode?: number }).statusCode !== 404) throw e;
}

async function keys(table: TableClient, filter: string): Promise<{ partitionKey: string; rowKey: string }[]> {
  const out: { partitionKey: string; rowKey: string }[] = [];
  for await (const e of table.listEntities({ queryOptions: { filter, select: ['PartitionKey', 'RowKey'] } })) {
    out.push({ partitionKey: e.partitionKey as string, rowKey: e.rowKey as string });
  }
  return out;
}

/**
 * One pass of the retention rules (the scheduler runs it nightly under a lease, so one instance does it):
 * answer log, escalations resolved long enough ago (open ones are never purged), and survey shares.
 */
export async function purgeExpired(deps: { tables: Tables; clock: Clock; config: Pick<Config, 'retention'> }): Promise<RetentionReport> {
  const { tables, clock, config } = deps;
  const now = clock.now().getTime();
  const cutoff = (days: number) => new Date(now - days * DAY).toISOString();

  const answers = await createAnswerLogStore(tables, clock).purge(config.retention.answerLogDays);
  const answerMessages = await deleteRows(
    tables.client('AnswerMessages'),
    await keys(tables.client('AnswerMessages'), `createdAt lt ${odataString(cutoff(config.retention.answerLogDays))}`),
  );

  // Escalations: resolved before the cutoff. Their history partition and idempotency markers go with them.
  const esc = tables.client('Escalations');
  const old: { rowKey: string; submitterAadId: string; submissionId: string }[] = [];
  const filter = `PartitionKey eq 'escalation' and status eq 'resolved' and resolvedAt lt ${odataString(cutoff(config.retention.escalationDays))} and resolvedAt ne ''`;
  for await (const r of esc.listEntities<{ submitterAadId: string; submissionId: string }>({ queryOptions: { filter, select: ['RowKey', 'submitterAadId', 'submissionId'] } })) {
    old.push({ rowKey: r.rowKey as string, submitterAadId: r.submitterAadId, submissionId: r.submissionId });
  }
  let escalationHistory = 0;
  for (const r of old) {
    escalationHistory += await deleteRows(tables.client('EscalationHistory'), await keys(tables.client('EscalationHistory'), `PartitionKey eq ${odataString(r.rowKey)}`));
  }
  await deleteRows(esc, old.map((r) => ({ partitionKey: 'escalation', rowKey: markerKey(r.submitterAadId, r.submissionId) })));
  await deleteRows(tables.client('Leases'), old.map((r) => ({ partitionKey: 'esc-card', rowKey: `esc-card~${r.rowKey}` })));
  const escalations = await deleteRows(esc, old.map((r) => ({ partitionKey: 'escalation', rowKey: r.rowKey })));

  const surveyShares = await deleteRows(
    tables.client('SurveyShares'),
    await keys(tables.client('SurveyShares'), `PartitionKey eq 'share' and loggedAt lt ${odataString(cutoff(config.retention.surveyLogDays))}`),
  );
  return { answers, answerMessages, escalations, escalationHistory, surveyShares };
}
