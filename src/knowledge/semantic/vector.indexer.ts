import type { Clock } from '../../clock';
import type { Logger } from '../../logger';
import { acquireLease, releaseLease } from '../../storage/lease';
import type { Tables } from '../../storage/tables';
import { EMBEDDINGS_API_LIMITS, EmbeddingsError, type EmbeddingsClient } from './embeddings.client';
import type { VectorSpace, VectorStore } from './vector.store';

/** One text to embed: its hash (the row key) and the exact input sent to the model. */
export interface EmbedTarget {
  hash: string;
  input: string;
}

export interface SyncReport {
  /** Distinct texts the index needs a vector for. */
  passages: number;
  /** Embedded and stored by this run. */
  embedded: number;
  /** Still without a vector (the run stopped, or another instance holds the work). */
  pending: number;
  /** Refused by the API one by one (400/413/422): left out of semantic search until their text changes or a restart. */
  refused: number;
  /** Stale vectors of this model deleted (texts no passage has any more). */
  pruned: number;
  /** Why the run stopped early: another instance is embedding, or the model failed (a loggable code). */
  stopped?: 'lease-held' | string;
  /** The model asked us to wait this long before the next attempt. */
  retryAfterMs?: number;
}

export interface IndexerOptions {
  client: EmbeddingsClient;
  store: VectorStore;
  space: VectorSpace;
  tables: Tables;
  clock: Clock;
  /** Lease owner id of this process (one instance embeds a model's passages at a time). */
  owner: string;
  /** Inputs per request (EMBEDDINGS_BATCH_SIZE). */
  batchSize: number;
  /** Time limit of each request (EMBEDDINGS_INGEST_TIMEOUT_MS). */
  timeoutMs: number;
  /** Attempts per batch for 429/5xx/time-outs (default 4). */
  attempts?: number;
  /** Vectors no passage needs are deleted only when older than this (another instance may have just written them). */
  pruneGraceMs?: number;
  logger?: Logger;
}

/** Bytes of input per request: under the API's 300,000 tokens (tokens ≤ bytes), with room to spare. */
export const REQUEST_BYTES = 250_000;
/** Bytes of one input: under the API's 8192 tokens per input (tokens ≤ bytes). */
export const INPUT_BYTES = 8000;
const LEASE_PREFIX = 'embeddings-';

/** Splits targets into requests of at most `maxInputs` inputs and `maxBytes` bytes (one oversized input goes alone). */
export function planBatches(targets: EmbedTarget[], maxInputs: number, maxBytes = REQUEST_BYTES): EmbedTarget[][] {
  const limit = Math.max(1, Math.min(maxInputs, EMBEDDINGS_API_LIMITS.maxInputs));
  const out: EmbedTarget[][] = [];
  let batch: EmbedTarget[] = [];
  let bytes = 0;
  for (const t of targets) {
    const size = Buffer.byteLength(t.input, 'utf8');
    if (batch.length && (batch.length === limit || bytes + size > maxBytes)) {
      out.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(t);
    bytes += size;
  }
  if (batch.length) out.push(batch);
  return out;
}

/** A bad input (too long, empty, unreadable): the batch is split to find it rather than failing the rest. */
const isInputProblem = (e: unknown) => e instanceof EmbeddingsError && [400, 413, 422].includes(e.status);

/**
 * Brings the stored vectors up to date with `targets` and returns them through `onVectors` as each batch lands:
 * loads what is stored, embeds only the texts without a vector (new or changed passages, or all of them for a new
 * model) in batches within the API's limits, writing each batch before the next, so a crash or a failed batch
 * loses at most one batch and the next run carries on from the rows. One instance works at a time (a lease per
 * model); the others load the rows as they appear.
 */
export async function syncVectors(
  opts: IndexerOptions,
  targets: EmbedTarget[],
  onVectors: (found: Map<string, Float32Array>) => void,
  signal?: AbortSignal,
): Promise<SyncReport> {
  const { client, store, space, clock, logger } = opts;
  const unique = [...new Map(targets.map((t) => [t.hash, t])).values()];
  const stored = await store.load(space);
  onVectors(stored);
  const missing = unique.filter((t) => !stored.has(t.hash));
  const report: SyncReport = { passages: unique.length, embedded: 0, pending: missing.length, refused: 0, pruned: 0 };

  const leases = opts.tables.client('Leases');
  const leaseName = `${LEASE_PREFIX}${space.key}`;
  const leaseMs = Math.max(120_000, opts.timeoutMs * 2 + 30_000);
  if (!(await acquireLease(leases, leaseName, opts.owner, leaseMs, clock))) return { ...report, stopped: 'lease-held' };
  try {
    const queue = planBatches(missing, opts.batchSize);
    while (queue.length) {
      if (signal?.aborted) return { ...report, stopped: 'stopped' };
      const batch = queue.shift()!;
      if (!(await acquireLease(leases, leaseName, opts.owner, leaseMs, clock))) return { ...report, stopped: 'lease-held' };
      let vectors: Float32Array[];
      try {
        vectors = await client.embed(batch.map((t) => t.input), { timeoutMs: opts.timeoutMs, attempts: opts.attempts ?? 4, signal });
      } catch (e) {
        if (signal?.aborted) return { ...report, stopped: 'stopped' };
        if (isInputProblem(e) && batch.length > 1) {
          const half = Math.ceil(batch.length / 2);
          queue.unshift(batch.slice(0, half), batch.slice(half));
          continue;
        }
        if (isInputProblem(e)) {
          report.refused += 1;
          report.pending -= 1;
          logger?.warn({ model: space.model, hash: batch[0].hash.slice(0, 12), ...errorCode(e) }, 'passage refused by the embeddings model; it is left out of semantic search');
          continue;
        }
        const err = e instanceof EmbeddingsError ? e : undefined;
        return { ...report, stopped: err?.code ?? 'error', ...(err?.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}) };
      }
      const fresh = batch.map((t, i) => ({ hash: t.hash, vector: vectors[i] }));
      await store.save(space, fresh, clock.now());
      onVectors(new Map(fresh.map((f) => [f.hash, f.vector])));
      report.embedded += fresh.length;
      report.pending -= fresh.length;
    }
    // An empty index says nothing about which vectors are stale (a first start before ingest): keep them all.
    if (report.refused === 0 && unique.length > 0) {
      const keep = new Set(unique.map((t) => t.hash));
      report.pruned = await store.prune(space, keep, new Date(clock.now().getTime() - (opts.pruneGraceMs ?? 3_600_000)));
    }
    return report;
  } finally {
    await releaseLease(leases, leaseName, opts.owner).catch(() => undefined);
  }
}

function errorCode(e: unknown): { err: string; status?: number } {
  return e instanceof EmbeddingsError ? { err: e.code, status: e.status || undefined } : { err: (e as Error)?.name ?? 'Error' };
}
