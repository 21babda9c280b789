import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import type { Tables } from '../../storage/tables';
import type { SemanticSearch } from '../knowledge-engine';
import type { Chunk } from '../knowledge.types';
import { createEmbeddingsClient, type ClientDeps, type EmbeddingsClient } from './embeddings.client';
import { embeddingsEndpointFromConfig } from './embeddings.config';
import { createSemanticSearch, normalise, passageInput } from './semantic.search';
import { syncVectors, type EmbedTarget, type SyncReport } from './vector.indexer';
import { createVectorStore, textHash, vectorSpaceOf, type VectorStore } from './vector.store';

export interface SemanticStatus {
  model: string;
  /** Distinct passage texts in the index. */
  passages: number;
  /** Of those, how many have a vector (and so can be found by meaning). */
  embedded: number;
  /** Passages the model refused (left to lexical search until their text changes or the bot restarts). */
  refused?: number;
  /** embedding: a run is going; waiting: stopped early, the next attempt is scheduled; ready: nothing left to do. */
  state: 'embedding' | 'waiting' | 'ready';
  /** Code of the last failure (http_429, timeout, network, …), until a run succeeds. */
  lastError?: string;
}

/**
 * Semantic retrieval for the knowledge service: keeps passage vectors in step with the index in the background
 * and gives each index build its SemanticSearch. Nothing here ever holds up an answer: until a passage has its
 * vector it is found lexically only.
 */
export interface SemanticLayer {
  /** The search for an index over these passages; also starts embedding the ones that have no vector. */
  track(chunks: readonly Chunk[]): SemanticSearch;
  /** Another try when the last run stopped early and its wait is over (the periodic refresh calls it). */
  resume(): void;
  /** Resolves when the run in progress (if any) has finished. */
  idle(): Promise<void>;
  status(): SemanticStatus;
  /** Aborts the run in progress and waits for it. */
  stop(): Promise<void>;
}

export interface SemanticLayerOptions {
  client: EmbeddingsClient;
  tables: Tables;
  clock: Clock;
  /** MODEL_TIMEOUT_MS: a question's embedding. */
  queryTimeoutMs: number;
  /** EMBEDDINGS_BATCH_SIZE and EMBEDDINGS_INGEST_TIMEOUT_MS. */
  batchSize: number;
  ingestTimeoutMs: number;
  logger?: Logger;
  store?: VectorStore;
  /** First wait after a failed run; it doubles per failure up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
}

export function createSemanticLayer(opts: SemanticLayerOptions): SemanticLayer {
  const { client, logger } = opts;
  const endpoint = client.endpoint;
  const space = vectorSpaceOf(endpoint.identity, endpoint.model);
  const store = opts.store ?? createVectorStore(opts.tables);
  const owner = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  /** Unit vectors by text hash, shared by every index build's search. */
  const vectors = new Map<string, Float32Array>();
  const controller = new AbortController();
  let targets: EmbedTarget[] = [];
  let running: Promise<void> | undefined;
  let again = false;
  let failures = 0;
  let nextAttemptAt = 0;
  let lastError: string | undefined;
  let incomplete = false;
  let refused = 0;

  const retryMs = opts.retryMs ?? 60_000;
  const maxRetryMs = opts.maxRetryMs ?? 30 * 60_000;

  function accept(found: Map<string, Float32Array>): void {
    for (const [hash, v] of found) vectors.set(hash, normalise(Float32Array.from(v)));
  }

  async function runOnce(): Promise<void> {
    const started = Date.now();
    let report: SyncReport;
    try {
      report = await syncVectors(
        { client, store, space, tables: opts.tables, clock: opts.clock, owner, batchSize: opts.batchSize, timeoutMs: opts.ingestTimeoutMs, logger },
        targets,
        accept,
        controller.signal,
      );
    } catch (e) {
      // Storage trouble: the vectors already written stay, the next attempt carries on.
      report = { passages: targets.length, embedded: 0, pending: targets.filter((t) => !vectors.has(t.hash)).length, refused: 0, pruned: 0, stopped: `storage_${(e as { statusCode?: number }).statusCode ?? (e as Error).name}` };
    }
    const fields = { model: endpoint.model, passages: report.passages, embedded: report.embedded, pending: report.pending, refused: report.refused, pruned: report.pruned, ms: Date.now() - started };
    incomplete = report.pending > 0;
    refused = report.refused;
    if (!report.stopped || report.stopped === 'stopped') {
      failures = 0;
      lastError = undefined;
      nextAttemptAt = 0;
      if (report.stopped) logger?.info(fields, 'passage embedding stopped with the bot');
      else if (report.embedded || report.pruned || report.refused) logger?.info(fields, 'passage embeddings up to date');
    } else if (report.stopped === 'lease-held') {
      // Another instance is embedding: pick up its rows at the next refresh.
      nextAttemptAt = 0;
      logger?.debug(fields, 'another instance is embedding the passages');
    } else {
      failures += 1;
      lastError = report.stopped;
      const wait = Math.max(report.retryAfterMs ?? 0, Math.min(maxRetryMs, retryMs * 2 ** (failures - 1)));
      nextAttemptAt = opts.clock.now().getTime() + wait;
      logger?.warn({ ...fields, err: report.stopped, retryInMs: wait }, 'passage embedding stopped; lexical search meanwhile, resumes later');
    }
  }

  function kick(): void {
    if (controller.signal.aborted) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await runOnce();
      } while (again && !controller.signal.aborted);
    })().finally(() => {
      running = undefined;
    });
  }

  return {
    track(chunks) {
      targets = chunks.map((c) => {
        const input = passageInput(c);
        return { hash: textHash(input), input };
      });
      // Vectors of passages no longer in the index are let go (the table keeps them until the run prunes them).
      const current = new Set(targets.map((t) => t.hash));
      for (const hash of vectors.keys()) if (!current.has(hash)) vectors.delete(hash);
      incomplete = targets.some((t) => !vectors.has(t.hash));
      failures = 0;
      nextAttemptAt = 0;
      kick();
      return createSemanticSearch({ client, vectors, chunks, timeoutMs: opts.queryTimeoutMs, logger });
    },
    resume() {
      if (incomplete && !running && opts.clock.now().getTime() >= nextAttemptAt) kick();
    },
    async idle() {
      while (running) await running;
    },
    status() {
      const distinct = new Set(targets.map((t) => t.hash));
      let embedded = 0;
      for (const h of distinct) if (vectors.has(h)) embedded += 1;
      const state = running ? 'embedding' : incomplete ? 'waiting' : 'ready';
      return { model: endpoint.model, passages: distinct.size, embedded, ...(refused ? { refused } : {}), state, ...(lastError ? { lastError } : {}) };
    },
    async stop() {
      controller.abort();
      while (running) await running;
    },
  };
}

/** The semantic layer when an embeddings model is configured (undefined: lexical retrieval only, fully offline). */
export function semanticLayerFromConfig(
  deps: { config: Pick<Config, 'model'>; tables: Tables; clock: Clock; logger?: Logger },
  clientDeps: ClientDeps = {},
): SemanticLayer | undefined {
  const endpoint = embeddingsEndpointFromConfig(deps.config);
  if (!endpoint) return undefined;
  const m = deps.config.model;
  deps.logger?.info({ provider: endpoint.provider, model: endpoint.model, timeoutMs: m.timeoutMs }, 'semantic retrieval on (fused with the lexical ranking; lexical on any failure)');
  return createSemanticLayer({
    client: createEmbeddingsClient(endpoint, clientDeps),
    tables: deps.tables,
    clock: deps.clock,
    logger: deps.logger,
    queryTimeoutMs: m.timeoutMs,
    batchSize: m.embeddingsBatchSize,
    ingestTimeoutMs: m.embeddingsIngestTimeoutMs,
  });
}
