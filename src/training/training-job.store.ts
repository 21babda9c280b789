import type { TableClient } from '@azure/data-tables';
import { getOrUndefined, isConflict, safeKey } from '../storage/tables';

export type TrainingJobKind = 'reminder' | 'cancelled' | 'changed' | 'promoted' | 'message';
export type TrainingJobStatus = 'open' | 'done' | 'skipped';

/**
 * One fan-out to the people on a session (a reminder, a cancellation notice…). Its outbox job has the
 * same id; this row remembers what to send and whether the recipients were enqueued, so a tick on any
 * instance can resume it after a crash.
 */
export interface TrainingJob {
  jobId: string;
  kind: TrainingJobKind;
  sessionId: string;
  status: TrainingJobStatus;
  /** Recipients were written to the outbox (all of them). */
  enqueued: boolean;
  /** Kind-specific details (reason, previous start, trainer's text, reminder kind…), JSON. */
  payload: string;
  createdAt: string;
  finishedAt?: string;
  sent?: number;
  etag?: string;
}

const PK = 'training';

export class TrainingJobStore {
  constructor(private readonly table: TableClient) {}

  /** Creates the job row; false when it already exists (a second click, a second instance). */
  async create(job: Omit<TrainingJob, 'etag'>): Promise<boolean> {
    try {
      await this.table.createEntity({ partitionKey: PK, rowKey: safeKey(job.jobId), ...job });
      return true;
    } catch (e) {
      if (isConflict(e)) return false;
      throw e;
    }
  }

  async get(jobId: string): Promise<TrainingJob | undefined> {
    const r = await getOrUndefined<TrainingJob>(this.table, PK, safeKey(jobId));
    return r ? strip(r) : undefined;
  }

  async listOpen(): Promise<TrainingJob[]> {
    const out: TrainingJob[] = [];
    for await (const r of this.table.listEntities<TrainingJob>({ queryOptions: { filter: `PartitionKey eq '${PK}' and status eq 'open'` } })) {
      out.push(strip(r as TrainingJob & { partitionKey: string; rowKey: string }));
    }
    return out;
  }

  async patch(jobId: string, patch: Partial<Omit<TrainingJob, 'jobId' | 'etag'>>): Promise<void> {
    await this.table.updateEntity({ partitionKey: PK, rowKey: safeKey(jobId), ...patch }, 'Merge');
  }
}

function strip(r: TrainingJob & { partitionKey?: string; rowKey?: string; timestamp?: string }): TrainingJob {
  const { partitionKey: _p, rowKey: _r, timestamp: _t, ...rest } = r;
  return rest as TrainingJob;
}
