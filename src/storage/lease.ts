import type { TableClient } from '@azure/data-tables';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { getOrUndefined, isConflict, isNotFound, isPreconditionFailed } from './tables';

export interface Lease {
  name: string;
  owner: string;
  expiresAt: Date;
  /** ETag of the lease row as this holder last wrote it: renewals are conditional on it. */
  etag: string;
}

interface LeaseRow {
  owner: string;
  expiresAt: string;
  /** For leased periodic jobs: when the work last completed (kept across holders). */
  lastDoneAt?: string;
}

const PK = 'lease';

/**
 * Takes (or renews) the named lease for `ttlMs`. Exactly one caller wins: the write is an ETag-conditional
 * update of the existing row, or a create that fails with 409 when another instance created it first.
 * Returns undefined when someone else holds an unexpired lease.
 */
export async function acquireLease(table: TableClient, name: string, owner: string, ttlMs: number, clock: Clock): Promise<Lease | undefined> {
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + ttlMs);
  const row = await getOrUndefined<LeaseRow>(table, PK, name);
  try {
    if (!row) {
      const res = await table.createEntity({ partitionKey: PK, rowKey: name, owner, expiresAt: expiresAt.toISOString() });
      return { name, owner, expiresAt, etag: res.etag ?? '' };
    }
    if (row.owner && row.owner !== owner && new Date(row.expiresAt).getTime() > now.getTime()) return undefined;
    // Merge keeps the row's other fields (a periodic job's lastDoneAt).
    const res = await table.updateEntity({ partitionKey: PK, rowKey: name, owner, expiresAt: expiresAt.toISOString() }, 'Merge', { etag: row.etag });
    return { name, owner, expiresAt, etag: res.etag ?? '' };
  } catch (e) {
    if (isConflict(e) || isPreconditionFailed(e)) return undefined;
    throw e;
  }
}

/**
 * Extends a lease this holder has, conditional on the row being exactly as the holder last wrote it.
 * Undefined when the lease was lost (someone else took it after it ran out). Storage errors are thrown.
 */
export async function renewLease(table: TableClient, lease: Lease, ttlMs: number, clock: Clock): Promise<Lease | undefined> {
  const expiresAt = new Date(clock.now().getTime() + ttlMs);
  try {
    const res = await table.updateEntity({ partitionKey: PK, rowKey: lease.name, owner: lease.owner, expiresAt: expiresAt.toISOString() }, 'Merge', { etag: lease.etag });
    return { ...lease, expiresAt, etag: res.etag ?? '' };
  } catch (e) {
    if (isPreconditionFailed(e) || isNotFound(e)) return undefined;
    throw e;
  }
}

/**
 * Gives the lease up early if we still hold it, so the next holder need not wait for it to run out (a lost
 * race is fine: it then belongs to someone else). `patch` is recorded with the release (lastDoneAt).
 */
export async function releaseLease(table: TableClient, name: string, owner: string, patch: Partial<LeaseRow> = {}): Promise<void> {
  const row = await getOrUndefined<LeaseRow>(table, PK, name);
  if (!row || row.owner !== owner) return;
  try {
    await table.updateEntity({ partitionKey: PK, rowKey: name, owner: '', expiresAt: new Date(0).toISOString(), ...patch }, 'Merge', { etag: row.etag });
  } catch (e) {
    if (!isPreconditionFailed(e) && !isConflict(e) && !isNotFound(e)) throw e;
  }
}

/** When the periodic job behind the lease last completed (undefined: never). */
export async function lastDone(table: TableClient, name: string): Promise<{ lastDoneAt?: Date; heldBy?: string; expiresAt?: Date }> {
  const row = await getOrUndefined<LeaseRow>(table, PK, name);
  if (!row) return {};
  return { lastDoneAt: row.lastDoneAt ? new Date(row.lastDoneAt) : undefined, heldBy: row.owner || undefined, expiresAt: new Date(row.expiresAt) };
}

export interface HeldLease {
  readonly lease: Lease;
  /** Aborted when the lease is lost: another instance has it now, so the work must stop. */
  readonly signal: AbortSignal;
  /** Stops the heartbeat and gives the lease up (recording `patch`, e.g. lastDoneAt). */
  release(patch?: Partial<LeaseRow>): Promise<void>;
}

export interface HoldOptions {
  ttlMs: number;
  /** How often the lease is renewed while the work runs (a third of the ttl by default). */
  heartbeatMs?: number;
  clock: Clock;
  logger: Logger;
  /**
   * When this aborts (the instance is stopping), the lease is given up at once rather than kept by the heartbeat
   * while the work winds down: whoever takes over still finds each row protected by its own claim.
   */
  releaseOn?: AbortSignal;
}

/**
 * Takes the lease and keeps it with a heartbeat while the work runs, so the lease can be short and a crashed
 * holder's work is taken over within seconds. A renewal that fails for storage reasons is tried again at the
 * next beat (during a storage outage nobody else can take the lease either); a renewal that finds the lease
 * taken aborts `signal`. Undefined when someone else holds it.
 */
export async function holdLease(table: TableClient, name: string, owner: string, opts: HoldOptions): Promise<HeldLease | undefined> {
  let lease = await acquireLease(table, name, owner, opts.ttlMs, opts.clock);
  if (!lease) return undefined;
  const lost = new AbortController();
  const beatMs = opts.heartbeatMs ?? Math.max(200, Math.floor(opts.ttlMs / 3));
  let renewing: Promise<void> | undefined;
  let warned = false;
  const beat = () => {
    if (renewing || lost.signal.aborted) return;
    renewing = renewLease(table, lease!, opts.ttlMs, opts.clock)
      .then((next) => {
        if (next) {
          lease = next;
          warned = false;
          return;
        }
        opts.logger.warn({ lease: name, owner }, 'lease lost to another instance; stopping this work');
        lost.abort();
      })
      .catch((e) => {
        if (!warned) opts.logger.warn({ lease: name, owner, err: (e as Error).name }, 'lease renewal failed; retrying');
        warned = true;
      })
      .finally(() => {
        renewing = undefined;
      });
  };
  const timer = setInterval(beat, beatMs);
  timer.unref?.();
  let released: Promise<void> | undefined;
  const held: HeldLease = {
    get lease() {
      return lease!;
    },
    signal: lost.signal,
    release(patch) {
      released ??= (async () => {
        clearInterval(timer);
        await renewing;
        if (lost.signal.aborted) return;
        await releaseLease(table, name, owner, patch).catch((e) => opts.logger.warn({ lease: name, err: (e as Error).name }, 'lease not released; it runs out by itself'));
      })();
      return released;
    },
  };
  if (opts.releaseOn?.aborted) void held.release();
  else opts.releaseOn?.addEventListener('abort', () => void held.release(), { once: true });
  return held;
}

/**
 * Records that a named slot (e.g. "esc-sla~ESC-2026-0042~2") has run. Returns true for the single caller
 * whose create succeeded; the row persists, so a restart never re-runs the slot.
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
