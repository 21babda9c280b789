import type { TableClient } from '@azure/data-tables';
import type { Clock } from '../clock';
import { getOrUndefined, isConflict, isPreconditionFailed } from './tables';

export interface Lease {
  name: string;
  owner: string;
  expiresAt: Date;
}

interface LeaseRow {
  owner: string;
  expiresAt: string;
}

/**
 * Takes (or renews) the named lease for `ttlMs`. Exactly one caller wins: the write is an ETag-conditional
 * update of the existing row, or a create that fails with 409 when another instance created it first.
 * Returns undefined when someone else holds an unexpired lease.
 */
export async function acquireLease(
  table: TableClient,
  name: string,
  owner: string,
  ttlMs: number,
  clock: Clock,
): Promise<Lease | undefined> {
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + ttlMs);
  const row = await getOrUndefined<LeaseRow>(table, 'lease', name);
  try {
    if (!row) {
      await table.createEntity({ partitionKey: 'lease', rowKey: name, owner, expiresAt: expiresAt.toISOString() });
    } else {
      if (row.owner !== owner && new Date(row.expiresAt).getTime() > now.getTime()) return undefined;
      await table.updateEntity(
        { partitionKey: 'lease', rowKey: name, owner, expiresAt: expiresAt.toISOString() },
        'Replace',
        { etag: row.etag },
      );
    }
    return { name, owner, expiresAt };
  } catch (e) {
    if (isConflict(e) || isPreconditionFailed(e)) return undefined;
    throw e;
  }
}

/** Gives the lease up early if we still hold it (a lost race is fine: it then belongs to someone else). */
export async function releaseLease(table: TableClient, name: string, owner: string): Promise<void> {
  const row = await getOrUndefined<LeaseRow>(table, 'lease', name);
  if (!row || row.owner !== owner) return;
  try {
    await table.deleteEntity('lease', name, { etag: row.etag });
  } catch (e) {
    if (!isPreconditionFailed(e) && !isConflict(e)) throw e;
  }
}

/**
 * Records that a named slot (e.g. "digest-scheduler:2026-11-23T09:00") has run. Returns true for the
 * single caller whose create succeeded; the row persists, so a restart never re-runs the slot.
 */
export async function claimSlot(table: TableClient, key: string, owner: string, clock: Clock): Promise<boolean> {
  try {
    await table.createEntity({ partitionKey: 'slot', rowKey: key, owner, claimedAt: clock.now().toISOString() });
    return true;
  } catch (e) {
    if (isConflict(e)) return false;
    throw e;
  }
}
