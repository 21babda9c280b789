import { randomBytes } from 'node:crypto';
import type { TransactionAction } from '@azure/data-tables';
import type { Clock } from '../clock';
import { UserInputError } from '../errors';
import { getOrUndefined, odataString, statusOf, type Tables } from '../storage/tables';
import type { AnswerResult } from './knowledge.types';
import { maskPersonalDetails } from '../privacy/mask';

export type Rating = 'up' | 'down';

export interface AnswerLogEntry {
  answerId: string;
  question: string;
  answer: string;
  sourceChunkIds: string[];
  notFound: boolean;
  urgent: boolean;
  intent?: string;
  createdAt: string;
  up: number;
  down: number;
}

export interface AnswerStats {
  since: string;
  answers: number;
  notFound: number;
  urgent: number;
  thumbsUp: number;
  thumbsDown: number;
  /** Recent questions with the most thumbs-down (ties: fewer thumbs-up first), worst first. */
  worst: { answerId: string; question: string; up: number; down: number; comments: string[] }[];
}

export interface AnswerLogStore {
  /** Logs one answer; returns the id the feedback buttons carry. */
  record(question: string, result: AnswerResult): Promise<string>;
  get(answerId: string): Promise<AnswerLogEntry | undefined>;
  /** One rating per user per answer (a second click replaces the first). Unknown answer id → UserInputError. */
  recordFeedback(answerId: string, userId: string, rating: Rating, comment?: string): Promise<void>;
  /** Deletes answers and their feedback older than the retention period; returns how many answers went. */
  purge(retentionDays: number): Promise<number>;
  stats(days: number, worstLimit?: number): Promise<AnswerStats>;
}

interface LogEntity {
  question: string;
  answer: string;
  sourceChunkIds: string;
  notFound: boolean;
  urgent: boolean;
  intent?: string;
  createdAt: string;
  up: number;
  down: number;
}

const DAY_MS = 86_400_000;
const dayKey = (d: Date) => d.toISOString().slice(0, 10).replace(/-/g, '');

/** Answer ids are "yyyymmdd_<time><random>": the day is the partition, so a purge deletes whole days. */
function parseId(answerId: string): { pk: string; rk: string } | undefined {
  const m = /^(\d{8})_([0-9a-z]{6,40})$/.exec(answerId);
  return m ? { pk: m[1], rk: m[2] } : undefined;
}

export function createAnswerLogStore(tables: Tables, clock: Clock): AnswerLogStore {
  const log = () => tables.client('AnswerLog');
  const feedback = () => tables.client('Feedback');

  async function deleteWhere(table: ReturnType<typeof log>, filter: string): Promise<number> {
    const byPk = new Map<string, string[]>();
    for await (const e of table.listEntities({ queryOptions: { filter, select: ['PartitionKey', 'RowKey'] } })) {
      const list = byPk.get(e.partitionKey as string) ?? [];
      list.push(e.rowKey as string);
      byPk.set(e.partitionKey as string, list);
    }
    let n = 0;
    for (const [pk, rks] of byPk) {
      for (let i = 0; i < rks.length; i += 100) {
        const actions: TransactionAction[] = rks.slice(i, i + 100).map((rk) => ['delete', { partitionKey: pk, rowKey: rk }]);
        await table.submitTransaction(actions);
        n += actions.length;
      }
    }
    return n;
  }

  return {
    async record(question, result) {
      const now = clock.now();
      const pk = dayKey(now);
      const rk = `${now.getTime().toString(36)}${randomBytes(4).toString('hex')}`;
      const entity: LogEntity & { partitionKey: string; rowKey: string } = {
        partitionKey: pk,
        rowKey: rk,
        // Stored masked: names, contact details, dates and addresses never reach the log (see src/privacy/mask.ts).
        question: maskPersonalDetails(question.slice(0, 2000)),
        answer: result.answer.slice(0, 8000),
        sourceChunkIds: JSON.stringify(result.sources.map((s) => s.chunkId)),
        notFound: result.notFound,
        urgent: result.urgent,
        ...(result.intent ? { intent: result.intent } : {}),
        createdAt: now.toISOString(),
        up: 0,
        down: 0,
      };
      await log().createEntity(entity);
      return `${pk}_${rk}`;
    },
    async get(answerId) {
      const key = parseId(answerId);
      if (!key) return undefined;
      const e = await getOrUndefined<LogEntity>(log(), key.pk, key.rk);
      if (!e) return undefined;
      return {
        answerId,
        question: e.question,
        answer: e.answer,
        sourceChunkIds: JSON.parse(e.sourceChunkIds) as string[],
        notFound: e.notFound,
        urgent: e.urgent,
        ...(e.intent ? { intent: e.intent } : {}),
        createdAt: e.createdAt,
        up: e.up ?? 0,
        down: e.down ?? 0,
      };
    },
    async recordFeedback(answerId, userId, rating, comment) {
      // Counters are recomputed from the feedback rows and written with the row's ETag: two people rating at
      // once cannot leave a count from before the other's rating.
      const key = parseId(answerId);
      const entry = key && (await getOrUndefined<LogEntity>(log(), key.pk, key.rk));
      if (!key || !entry) throw new UserInputError('That answer is no longer available for feedback.');
      if (rating !== 'up' && rating !== 'down') throw new UserInputError('Feedback must be thumbs up or thumbs down.', { rating: 'up or down' });
      await feedback().upsertEntity(
        {
          partitionKey: answerId,
          rowKey: userId.replace(/[\\/#?\u0000-\u001f]/g, '_').slice(0, 200) || 'anonymous',
          rating,
          comment: maskPersonalDetails((comment ?? '').slice(0, 2000)),
          at: clock.now().toISOString(),
        },
        'Replace',
      );
      // Counters on the log row are recomputed from the feedback rows, so repeats and changes of mind stay exact.
      for (let attempt = 0; ; attempt++) {
        const row = await getOrUndefined<LogEntity>(log(), key.pk, key.rk);
        if (!row) return; // purged meanwhile: nothing to count on
        let up = 0;
        let down = 0;
        for await (const f of feedback().listEntities<{ rating: string }>({ queryOptions: { filter: `PartitionKey eq ${odataString(answerId)}` } })) {
          if (f.rating === 'up') up++;
          else if (f.rating === 'down') down++;
        }
        try {
          await log().updateEntity({ partitionKey: key.pk, rowKey: key.rk, up, down }, 'Merge', { etag: row.etag });
          return;
        } catch (e) {
          if (statusOf(e) !== 412 || attempt >= 20) throw e;
          await new Promise((r) => setTimeout(r, Math.random() * 20));
        }
      }
    },
    async purge(retentionDays) {
      const cutoff = dayKey(new Date(clock.now().getTime() - retentionDays * DAY_MS));
      await deleteWhere(feedback(), `PartitionKey lt ${odataString(cutoff)}`);
      return deleteWhere(log(), `PartitionKey lt ${odataString(cutoff)}`);
    },
    async stats(days, worstLimit = 5) {
      const since = dayKey(new Date(clock.now().getTime() - days * DAY_MS));
      const s: AnswerStats = { since, answers: 0, notFound: 0, urgent: 0, thumbsUp: 0, thumbsDown: 0, worst: [] };
      const rated: AnswerStats['worst'] = [];
      for await (const e of log().listEntities<LogEntity>({ queryOptions: { filter: `PartitionKey ge ${odataString(since)}` } })) {
        s.answers++;
        if (e.notFound) s.notFound++;
        if (e.urgent) s.urgent++;
        s.thumbsUp += e.up ?? 0;
        s.thumbsDown += e.down ?? 0;
        if ((e.down ?? 0) > 0) rated.push({ answerId: `${e.partitionKey}_${e.rowKey}`, question: e.question, up: e.up ?? 0, down: e.down ?? 0, comments: [] });
      }
      rated.sort((a, b) => b.down - a.down || a.up - b.up);
      s.worst = rated.slice(0, worstLimit);
      for (const w of s.worst) {
        for await (const f of feedback().listEntities<{ comment?: string; rating: string }>({ queryOptions: { filter: `PartitionKey eq ${odataString(w.answerId)}` } })) {
          if (f.comment) w.comments.push(f.comment);
        }
      }
      return s;
    },
  };
}
