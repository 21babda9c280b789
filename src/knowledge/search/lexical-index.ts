/**
 * The lexical index over passages: stemmed terms of each passage's text and of its context (heading path,
 * document title), BM25 statistics, and term positions for proximity. Acronyms spelled out in a passage
 * ("Multi Agency Safeguarding Hub") are indexed as the acronym too.
 */
import type { Chunk } from '../knowledge.types';
import { analyze } from './analyzer';
import { buildAcronymTable, learnAcronyms, type AcronymTable } from './acronyms';

export const K1 = 1.2;
export const B = 0.75;

export interface Postings {
  ids: Int32Array;
  tfs: Uint16Array;
}

export interface LexicalIndex {
  readonly chunks: readonly Chunk[];
  readonly size: number;
  readonly acronyms: AcronymTable;
  /** term → id */
  readonly vocab: Map<string, number>;
  /** Body terms of each passage (ids, in order, acronyms injected at the end). */
  readonly body: Int32Array[];
  /** Heading path and title terms of each passage. */
  readonly head: Int32Array[];
  readonly bodyPostings: Postings[];
  readonly headPostings: Postings[];
  readonly avgBody: number;
  readonly avgHead: number;
  /** IDF of a term id (unknown → the maximum). */
  idf(tid: number | undefined): number;
  readonly maxIdf: number;
  /** Document frequency of a term id in the body field. */
  df(tid: number | undefined): number;
  bm25(tf: number, len: number, avg: number): number;
  /** Passages of one document, in order. */
  readonly byDoc: Map<string, number[]>;
  /** Position of a chunk in `chunks`. */
  position(chunk: Chunk): number | undefined;
  /** Passages that hold every indexed word of `text` (a superset of those that hold it verbatim). */
  passagesWithWords(text: string): number[];
}

const TERM_NAMES = new WeakMap<LexicalIndex, string[]>();

/** Each term id's stem (the inverse of `vocab`), built once per index, not per answer. */
export function termNames(index: LexicalIndex): string[] {
  let names = TERM_NAMES.get(index);
  if (!names) {
    names = [];
    for (const [t, id] of index.vocab) names[id] = t;
    TERM_NAMES.set(index, names);
  }
  return names;
}

const NO_POSTINGS: Postings = { ids: new Int32Array(0), tfs: new Uint16Array(0) };

/**
 * Postings of one field, built in two passes over its token arrays (count, then fill typed arrays of the
 * right size): no growing per-term lists, so building a large index does not need several times its size.
 */
function postingsOf(fields: Int32Array[], vocabSize: number): Postings[] {
  const df = new Int32Array(vocabSize);
  const last = new Int32Array(vocabSize).fill(-1);
  fields.forEach((toks, d) => {
    for (const t of toks) {
      if (last[t] === d) continue;
      last[t] = d;
      df[t]++;
    }
  });
  const out: Postings[] = Array.from({ length: vocabSize }, (_, t) => (df[t] ? { ids: new Int32Array(df[t]), tfs: new Uint16Array(df[t]) } : NO_POSTINGS));
  const filled = new Int32Array(vocabSize);
  const tf = new Int32Array(vocabSize);
  fields.forEach((toks, d) => {
    for (const t of toks) tf[t]++;
    for (const t of toks) {
      if (!tf[t]) continue;
      const k = filled[t]++;
      out[t].ids[k] = d;
      out[t].tfs[k] = Math.min(tf[t], 65535);
      tf[t] = 0;
    }
  });
  return out;
}

export function buildLexicalIndex(chunks: Chunk[]): LexicalIndex {
  const acronyms = buildAcronymTable(learnAcronyms(chunks.map((c) => c.text)));
  const byFirst = new Map<string, { acr: string; exp: string[] }[]>();
  for (const [acr, exp] of acronyms.expansions) {
    const list = byFirst.get(exp[0]) ?? [];
    list.push({ acr: analyze(acr)[0] ?? acr, exp });
    byFirst.set(exp[0], list);
  }
  const vocab = new Map<string, number>();
  const idOf = (t: string) => {
    let id = vocab.get(t);
    if (id === undefined) vocab.set(t, (id = vocab.size));
    return id;
  };
  const N = chunks.length;
  const body: Int32Array[] = new Array(N);
  const head: Int32Array[] = new Array(N);
  // Passages of one document mostly share a heading path and title: one array for each distinct context.
  const heads = new Map<string, Int32Array>();
  let bodyTotal = 0;
  let headTotal = 0;
  chunks.forEach((c, i) => {
    const terms = analyze(c.text);
    const injected: string[] = [];
    for (let p = 0; p < terms.length; p++) {
      for (const { acr, exp } of byFirst.get(terms[p]) ?? []) if (exp.every((t, k) => terms[p + k] === t)) injected.push(acr);
    }
    body[i] = Int32Array.from([...terms, ...injected].map(idOf));
    const context = `${c.headingPath.join(' ')} ${c.title}`;
    let h = heads.get(context);
    if (!h) heads.set(context, (h = Int32Array.from(analyze(context).map(idOf))));
    head[i] = h;
    bodyTotal += body[i].length;
    headTotal += head[i].length;
  });
  const bodyPostings = postingsOf(body, vocab.size);
  const headPostings = postingsOf(head, vocab.size);
  const maxIdf = Math.log(1 + (N + 0.5) / 0.5);
  const df = (tid: number | undefined) => (tid === undefined ? 0 : bodyPostings[tid]?.ids.length ?? 0);
  const idf = (tid: number | undefined) => {
    if (tid === undefined) return maxIdf;
    const d = Math.max(df(tid), headPostings[tid]?.ids.length ?? 0);
    return Math.log(1 + (N - d + 0.5) / (d + 0.5));
  };
  const byDoc = new Map<string, number[]>();
  chunks.forEach((c, i) => {
    const list = byDoc.get(c.docId) ?? [];
    list.push(i);
    byDoc.set(c.docId, list);
  });
  const positions = new Map<Chunk, number>();
  chunks.forEach((c, i) => positions.set(c, i));
  return {
    chunks,
    size: N,
    acronyms,
    vocab,
    body,
    head,
    bodyPostings,
    headPostings,
    avgBody: bodyTotal / Math.max(N, 1) || 1,
    avgHead: headTotal / Math.max(N, 1) || 1,
    idf,
    maxIdf,
    df,
    bm25: (tf, len, avg) => (tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * len) / avg)),
    byDoc,
    position: (c) => positions.get(c),
    passagesWithWords(text) {
      const tids = [...new Set(analyze(text))].map((t) => vocab.get(t));
      if (!tids.length || tids.some((t) => t === undefined)) return [];
      // Start from the rarest word's passages and keep those that have the others too.
      const lists = (tids as number[]).map((t) => bodyPostings[t]?.ids ?? new Int32Array(0)).sort((a, b) => a.length - b.length);
      let out = Array.from(lists[0]);
      for (const l of lists.slice(1, 4)) {
        const has = new Set(l);
        out = out.filter((d) => has.has(d));
      }
      return out;
    },
  };
}
