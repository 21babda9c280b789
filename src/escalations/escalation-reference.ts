import type { TableClient } from '@azure/data-tables';
import { getOrUndefined, isConflict, isPreconditionFailed } from '../storage/tables';

interface CounterRow {
  value: number;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Takes the next number of a named counter (table Counters, one row per name and year). Each take is an
 * ETag-conditional update (or a create that 409s when someone else created the row first), retried
 * with jittered backoff, so concurrent callers always get distinct numbers. A number taken by a caller
 * that later fails is simply skipped: references may have gaps, never duplicates.
 */
export async function nextCounterValue(table: TableClient, name: string, period: string, maxAttempts = 60): Promise<number> {
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const row = await getOrUndefined<CounterRow>(table, name, period);
    try {
      if (!row) {
        await table.createEntity({ partitionKey: name, rowKey: period, value: 1 });
        return 1;
      }
      const value = Number(row.value) + 1;
      await table.updateEntity({ partitionKey: name, rowKey: period, value }, 'Replace', { etag: row.etag });
      return value;
    } catch (e) {
      if (!isConflict(e) && !isPreconditionFailed(e)) throw e;
      await pause(Math.random() * Math.min(200, 5 * 2 ** Math.min(attempt, 6)));
    }
  }
  throw new Error(`counter ${name}/${period} too contended`);
}

/** ESC-YYYY-NNNN (four digits at least; the 10,000th escalation of a year simply gets five). */
export const formatReference = (year: number, n: number) => `ESC-${year}-${String(n).padStart(4, '0')}`;
