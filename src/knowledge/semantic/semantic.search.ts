import type { Logger } from '../../logger';
import type { SemanticSearch } from '../knowledge-engine';
import type { Chunk } from '../knowledge.types';
import { EmbeddingsError, type EmbeddingsClient } from './embeddings.client';
import { INPUT_BYTES } from './vector.indexer';
import { textHash } from './vector.store';

/** Passages the semantic ranking hands to the fusion (the lexical ranking supplies the rest). */
export const SEMANTIC_TOP_K = 20;

/** Cuts a string to at most `max` UTF-8 bytes without splitting a character. */
export function truncateBytes(text: string, max: number): string {
  if (Buffer.byteLength(text, 'utf8') <= max) return text;
  const buf = Buffer.from(text, 'utf8').subarray(0, max);
  // A cut inside a multi-byte character leaves a replacement character at the end: drop it.
  return buf.toString('utf8').replace(/\uFFFD+$/, '');
}

/**
 * The text embedded for a passage: its document title and heading path, then the passage, so a passage that
 * only makes sense under its heading ("Who to contact") is found by its topic. A change to any of them is a
 * change of passage (a new hash, a new vector).
 */
export function passageInput(c: Pick<Chunk, 'title' | 'headingPath' | 'text'>): string {
  const head = [c.title, c.headingPath.join(' › ')].filter((s) => s.trim()).join('\n');
  return truncateBytes(head ? `${head}\n\n${c.text}` : c.text, INPUT_BYTES);
}

/** Unit length in place (zero vectors stay zero): cosine similarity becomes a dot product. */
export function normalise(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] /= norm;
  return v;
}

export interface SemanticSearchOptions {
  client: EmbeddingsClient;
  /** Unit vectors by text hash; filled in as the passages are embedded, read at each search. */
  vectors: ReadonlyMap<string, Float32Array>;
  chunks: readonly Chunk[];
  /** MODEL_TIMEOUT_MS: the question's embedding is one attempt within it. */
  timeoutMs: number;
  k?: number;
  logger?: Logger;
}

/**
 * Semantic search over one index's passages: embeds the question (one time-limited attempt, no retry: the answer
 * will not wait), scores every passage that has a vector by cosine similarity, and returns the best `k`. With no
 * passage embedded yet it returns nothing without calling the model. Failures are logged by code and thrown; the
 * engine then keeps the lexical ranking.
 */
export function createSemanticSearch(opts: SemanticSearchOptions): SemanticSearch {
  const targets = opts.chunks.map((c) => ({ id: c.id, hash: textHash(passageInput(c)) }));
  const k = opts.k ?? SEMANTIC_TOP_K;
  return {
    async search(question) {
      const ready = targets.filter((t) => opts.vectors.has(t.hash));
      if (ready.length === 0 || !question.trim()) return [];
      const started = Date.now();
      let q: Float32Array;
      try {
        [q] = await opts.client.embed([truncateBytes(question, INPUT_BYTES)], { timeoutMs: opts.timeoutMs, attempts: 1 });
      } catch (e) {
        const err = e instanceof EmbeddingsError ? { err: e.code, ...(e.status ? { status: e.status } : {}) } : { err: (e as Error)?.name ?? 'Error' };
        opts.logger?.warn({ ...err, ms: Date.now() - started }, 'question not embedded; lexical ranking used');
        throw e;
      }
      normalise(q);
      const scored: { chunkId: string; score: number }[] = [];
      for (const t of ready) {
        const v = opts.vectors.get(t.hash)!;
        if (v.length !== q.length) continue;
        let dot = 0;
        for (let i = 0; i < v.length; i++) dot += v[i] * q[i];
        scored.push({ chunkId: t.id, score: dot });
      }
      if (scored.length === 0) {
        opts.logger?.warn({ dims: q.length }, 'question vector does not match the stored vectors (model changed behind its name?); lexical ranking used');
        return [];
      }
      return scored.sort((a, b) => b.score - a.score).slice(0, k);
    },
  };
}
