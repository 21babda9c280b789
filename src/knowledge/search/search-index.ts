import type { Chunk } from '../knowledge.types';
import { analyze, stemUncached } from './analyzer';
import { buildAcronymTable, learnAcronyms, type AcronymTable } from './acronyms';
import { analyzeQuery, type AnalyzedQuery, type AnswerType, type Concept } from './query-analyzer';

export interface SearchHit {
  chunk: Chunk;
  score: number;
  /** Share (0..1) of the question's key-term weight that this passage covers. */
  coverage: number;
  /** Surfaces of the question's concepts this passage does not cover. */
  missing: string[];
}

/** What answering needs from an index; an embeddings-backed index can implement the same. */
export interface SearchIndex {
  readonly size: number;
  readonly acronyms: AcronymTable;
  analyze(question: string): AnalyzedQuery;
  search(query: AnalyzedQuery, k?: number): SearchHit[];
  /** Inverse document frequency of a stemmed term (high = rare); unknown terms get the maximum. */
  idf(term: string): number;
  /** Passages of the same document close to this one, in document order. */
  neighbours(chunk: Chunk, radius: number): Chunk[];
}

const K1 = 1.2;
const B = 0.75;
/** Heading and title words say what a passage is about: they count extra. */
const HEAD_WEIGHT = 0.7;
const CANDIDATES = 120;

interface Postings {
  ids: Int32Array;
  tfs: Uint16Array;
}

/**
 * In-memory BM25 index over passages with a heading/title field, acronym injection (a passage that spells
 * out "Multi Agency Safeguarding Hub" also matches MASH), concept-level reranking with coverage,
 * phrase proximity and a light preference for newer documents.
 */
export function buildSearchIndex(chunks: Chunk[]): SearchIndex {
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
    if (id === undefined) {
      id = vocab.size;
      vocab.set(t, id);
    }
    return id;
  };
  const N = chunks.length;
  const bodyTokens: Int32Array[] = new Array(N);
  /** Words of the lines that open a list ("Our values are:"), per passage. */
  const listIntros: (Set<string> | undefined)[] = new Array(N);
  const headTokens: Int32Array[] = new Array(N);
  const bodyPost: { ids: number[]; tfs: number[] }[] = [];
  const headPost: { ids: number[]; tfs: number[] }[] = [];
  let bodyTotal = 0;
  let headTotal = 0;

  const addPostings = (store: { ids: number[]; tfs: number[] }[], tokens: Int32Array, doc: number) => {
    const tf = new Map<number, number>();
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [t, f] of tf) {
      let p = store[t];
      if (!p) p = store[t] = { ids: [], tfs: [] };
      p.ids.push(doc);
      p.tfs.push(Math.min(f, 65535));
    }
  };

  chunks.forEach((c, i) => {
    const terms = analyze(c.text);
    const injected: string[] = [];
    for (let p = 0; p < terms.length; p++) {
      const cands = byFirst.get(terms[p]);
      if (!cands) continue;
      for (const { acr, exp } of cands) if (exp.every((t, k) => terms[p + k] === t)) injected.push(acr);
    }
    const body = Int32Array.from([...terms, ...injected].map(idOf));
    const head = Int32Array.from(analyze(`${c.headingPath.join(' ')} ${c.title}`).map(idOf));
    bodyTokens[i] = body;
    headTokens[i] = head;
    const intro = c.text.split('\n').filter((l) => LIST_INTRO.test(l));
    listIntros[i] = intro.length ? new Set(analyze(intro.join(' '))) : undefined;
    bodyTotal += body.length;
    headTotal += head.length;
    addPostings(bodyPost, body, i);
    addPostings(headPost, head, i);
  });

  const compact = (store: { ids: number[]; tfs: number[] }[]): Postings[] =>
    store.map((p) => (p ? { ids: Int32Array.from(p.ids), tfs: Uint16Array.from(p.tfs) } : { ids: new Int32Array(0), tfs: new Uint16Array(0) }));
  const body = compact(bodyPost);
  const head = compact(headPost);
  bodyPost.length = 0;
  headPost.length = 0;
  const avgBody = bodyTotal / Math.max(N, 1) || 1;
  const avgHead = headTotal / Math.max(N, 1) || 1;
  const maxIdf = Math.log(1 + (N + 0.5) / 0.5);
  const idfOf = (tid: number | undefined) => {
    if (tid === undefined) return maxIdf;
    const df = body[tid]?.ids.length ?? 0;
    const dfh = head[tid]?.ids.length ?? 0;
    const d = Math.max(df, dfh);
    return Math.log(1 + (N - d + 0.5) / (d + 0.5));
  };

  const months = chunks.map((c) => publishedMonths(c.published));
  const known = months.filter((m) => m > 0);
  const minM = known.length ? Math.min(...known) : 0;
  const maxM = known.length ? Math.max(...known) : 0;
  const recency = (i: number) => (months[i] > 0 && maxM > minM ? (months[i] - minM) / (maxM - minM) : 0.5);

  const scratch = new Float64Array(N);
  const bm25 = (tf: number, len: number, avg: number) => (tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * len) / avg));

  const docIndex = new Map<string, number[]>();
  chunks.forEach((c, i) => {
    const list = docIndex.get(c.docId) ?? [];
    list.push(i);
    docIndex.set(c.docId, list);
  });
  const position = new Map<Chunk, number>();
  chunks.forEach((c, i) => position.set(c, i));

  function candidates(q: AnalyzedQuery): number[] {
    const touched: number[] = [];
    for (const concept of q.concepts) {
      for (const alt of concept.alternatives) {
        for (const term of alt.terms) {
          const tid = vocab.get(term);
          if (tid === undefined) continue;
          const idf = idfOf(tid);
          // Words in most passages cannot pick candidates; the rerank still scores them.
          if (idf < 0.25 && q.concepts.length > 1) continue;
          const w = (alt.weight * idf) / alt.terms.length;
          for (const [store, avg, lens, hw] of [
            [body, avgBody, bodyTokens, 1],
            [head, avgHead, headTokens, HEAD_WEIGHT],
          ] as const) {
            const p = store[tid];
            if (!p) continue;
            for (let j = 0; j < p.ids.length; j++) {
              const d = p.ids[j];
              if (scratch[d] === 0) touched.push(d);
              scratch[d] += hw * w * bm25(p.tfs[j], lens[d].length, avg);
            }
          }
        }
      }
    }
    const top = topK(touched, scratch, CANDIDATES);
    for (const d of touched) scratch[d] = 0;
    return top;
  }

  function rerank(q: AnalyzedQuery, d: number): { score: number; coverage: number; missing: string[] } {
    const tfBody = new Map<number, number>();
    for (const t of bodyTokens[d]) tfBody.set(t, (tfBody.get(t) ?? 0) + 1);
    const tfHead = new Map<number, number>();
    for (const t of headTokens[d]) tfHead.set(t, (tfHead.get(t) ?? 0) + 1);
    const lenB = bodyTokens[d].length;
    const lenH = headTokens[d].length;
    const termScore = (tid: number) =>
      idfOf(tid) * (bm25(tfBody.get(tid) ?? 0, lenB, avgBody) + HEAD_WEIGHT * bm25(tfHead.get(tid) ?? 0, lenH, avgHead));

    let total = 0;
    let wanted = 0;
    let covered = 0;
    const missing: string[] = [];
    for (const c of q.concepts) {
      const [best, altWeight] = conceptScore(c, termScore, (t) => vocab.get(t), bodyTokens[d]);
      total += best;
      if (!c.primary) continue;
      const weight = idfOf(vocab.get(c.alternatives[0].terms[0]));
      wanted += weight;
      if (best > 0) covered += weight * Math.min(1, altWeight);
      else missing.push(c.surface);
    }
    const coverage = wanted > 0 ? Math.min(1, covered / wanted) : 0;
    const prox = proximity(q.sequence, bodyTokens[d], vocab, idfOf);
    const typed = q.answerType && ANSWER_PATTERNS[q.answerType].test(chunks[d].text) ? 0.12 * total : 0;
    // "What are the values?": the passage that introduces the list of them ("Our values are:") answers it,
    // more than one that only uses the word ("valued").
    const intro = listIntros[d];
    const lists =
      intro && q.concepts.some((c) => c.primary && c.alternatives[0].terms.length === 1 && intro.has(c.alternatives[0].terms[0]) && idfOf(vocab.get(c.alternatives[0].terms[0])) >= LIST_MIN_IDF)
        ? LIST_INTRO_BOOST
        : 1;
    const score = (total + prox + typed) * (0.25 + 0.75 * coverage * coverage) * (1 + 0.04 * recency(d)) * lists;
    return { score, coverage, missing };
  }

  let byLength: Map<number, string[]> | undefined;
  /** The most common indexed term one edit away (same first letter), for a word the index has never seen. */
  const nearestTerm = (term: string): string | undefined => {
    if (!byLength) {
      byLength = new Map();
      for (const t of vocab.keys()) {
        if (t.length < TYPO_MIN_LENGTH - 1 || /\d/.test(t)) continue;
        const list = byLength.get(t.length) ?? [];
        list.push(t);
        byLength.set(t.length, list);
      }
    }
    let best: string | undefined;
    let bestDf = 0;
    for (let len = term.length - 1; len <= term.length + 1; len++) {
      for (const t of byLength.get(len) ?? []) {
        if (t[0] !== term[0] || !oneEditApart(term, t)) continue;
        const df = body[vocab.get(t)!]?.ids.length ?? 0;
        if (df > bestDf) {
          best = t;
          bestDf = df;
        }
      }
    }
    return best;
  };

  let byPrefix: Map<string, string[]> | undefined;
  const family = new Map<string, string[]>();
  /**
   * Indexed words of the same family the stemmer keeps apart ("compliant" / "compliance"): a long shared
   * beginning with only the ending differing.
   */
  const familyOf = (term: string): string[] => {
    if (term.length < FAMILY_MIN_PREFIX || /\d/.test(term)) return [];
    let out = family.get(term);
    if (out) return out;
    if (!byPrefix) {
      byPrefix = new Map();
      for (const t of vocab.keys()) {
        if (t.length < FAMILY_MIN_PREFIX || /\d/.test(t)) continue;
        const key = t.slice(0, FAMILY_MIN_PREFIX);
        const list = byPrefix.get(key) ?? [];
        list.push(t);
        byPrefix.set(key, list);
      }
    }
    out = (byPrefix.get(term.slice(0, FAMILY_MIN_PREFIX)) ?? []).filter((t) => {
      if (t === term) return false;
      let k = 0;
      while (k < t.length && k < term.length && t[k] === term[k]) k++;
      return k >= Math.max(t.length, term.length) - FAMILY_MAX_ENDING;
    });
    family.set(term, out);
    return out;
  };

  function addWordFamily(q: AnalyzedQuery): AnalyzedQuery {
    const concepts = q.concepts.map((c) => {
      const first = c.alternatives[0];
      // Only for a word the guidance rarely uses: a common one already finds its passages.
      if (first.terms.length !== 1 || (body[vocab.get(first.terms[0]) ?? -1]?.ids.length ?? 0) > FAMILY_MAX_DF) return c;
      const extra = familyOf(first.terms[0]).filter((t) => !c.alternatives.some((a) => a.terms.length === 1 && a.terms[0] === t));
      if (!extra.length) return c;
      return { ...c, alternatives: [...c.alternatives, ...extra.map((t) => ({ terms: [t], weight: FAMILY_WEIGHT }))] };
    });
    return { ...q, concepts };
  }

  /** A slip in a word's ending can change its stem ("exploitaion"): try the word's one-slip variants. */
  const nearestByVariants = (word: string): string | undefined => {
    if (!/^[a-z]+$/.test(word)) return undefined;
    let best: string | undefined;
    let bestDf = 0;
    for (const v of slipVariants(word)) {
      const tid = vocab.get(stemUncached(v));
      const df = tid === undefined ? 0 : (body[tid]?.ids.length ?? 0);
      if (df > bestDf) {
        best = stemUncached(v);
        bestDf = df;
      }
    }
    return best;
  };

  /**
   * "safegaurding", "assesment": a long question word the guidance never uses, one typing slip away from
   * a word it does use, is read as that word (the misspelling alone would make the question "not found").
   */
  function correctTypos(q: AnalyzedQuery): AnalyzedQuery {
    const fixed = new Map<string, string>();
    const concepts = q.concepts.map((c) => {
      const first = c.alternatives[0];
      if (!c.primary || first.terms.length !== 1 || c.surface.length < TYPO_MIN_LENGTH || /\d/.test(c.surface)) return c;
      const term = first.terms[0];
      if (vocab.has(term) || c.alternatives.slice(1).some((a) => a.terms.every((t) => vocab.has(t)))) return c;
      const near = (term.length >= TYPO_MIN_LENGTH ? nearestTerm(term) : undefined) ?? nearestByVariants(c.surface);
      if (!near) return c;
      fixed.set(term, near);
      return { ...c, alternatives: [{ terms: [near], weight: 0.95 }, ...c.alternatives.slice(1)] };
    });
    if (fixed.size === 0) return q;
    return { ...q, concepts, sequence: q.sequence.map((t) => fixed.get(t) ?? t) };
  }

  return {
    size: N,
    acronyms,
    analyze: (question) => addWordFamily(correctTypos(analyzeQuery(question, acronyms))),
    idf: (term) => idfOf(vocab.get(term)),
    search(q, k = 5) {
      if (N === 0 || q.concepts.length === 0) return [];
      const hits = candidates(q).map((d) => ({ d, ...rerank(q, d) }));
      hits.sort((a, b) => b.score - a.score || months[b.d] - months[a.d]);
      // "How often / how many / when": a passage whose sentence holds both the kind of answer and what is
      // asked about ("the newsletter is sent out on a quarterly basis") beats one that only shares words.
      if (q.answerType && TYPED_NEAR.has(q.answerType)) {
        const head = hits.slice(0, TYPED_RESCORE);
        for (const h of head) if (typedSentence(q, chunks[h.d].text)) h.score *= TYPED_NEAR_BOOST;
        head.sort((a, b) => b.score - a.score || months[b.d] - months[a.d]);
        hits.splice(0, head.length, ...head);
      }
      return hits.slice(0, k).map((h) => ({ chunk: chunks[h.d], score: h.score, coverage: h.coverage, missing: h.missing }));
    },
    neighbours(chunk, radius) {
      const i = position.get(chunk);
      if (i === undefined) return [];
      const list = docIndex.get(chunk.docId) ?? [];
      const at = list.indexOf(i);
      return list.slice(Math.max(0, at - radius), at + radius + 1).filter((j) => j !== i).map((j) => chunks[j]);
    },
  };
}

const FAMILY_MIN_PREFIX = 7;
const FAMILY_MAX_ENDING = 2;
const FAMILY_WEIGHT = 0.85;
const FAMILY_MAX_DF = 3;

/** Words shorter than this are not corrected: short words one letter apart are usually different words. */
const TYPO_MIN_LENGTH = 6;

const VOWELS = 'aeiouy';
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/**
 * One typing slip apart: a letter left out or added, two neighbours swapped ("au" ↔ "ua"), or one vowel for
 * another ("independant"). Another consonant is a different word more often than a slip ("evacuation" is
 * not "evaluation").
 */
function oneEditApart(a: string, b: string): boolean {
  if (a === b) return false;
  if (a.length === b.length) {
    let i = 0;
    while (a[i] === b[i]) i++;
    if (a.slice(i + 1) === b.slice(i + 1)) return VOWELS.includes(a[i]) && VOWELS.includes(b[i]);
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  const [s, l] = a.length < b.length ? [a, b] : [b, a];
  if (l.length - s.length !== 1) return false;
  let i = 0;
  while (i < s.length && s[i] === l[i]) i++;
  return s.slice(i) === l.slice(i + 1);
}

/** The word's one-slip variants (as in `oneEditApart`), first letter kept. */
function slipVariants(w: string): Set<string> {
  const out = new Set<string>();
  for (let i = 1; i <= w.length; i++) {
    if (i < w.length) out.add(w.slice(0, i) + w.slice(i + 1));
    if (i + 1 < w.length) out.add(w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2));
    if (i < w.length && VOWELS.includes(w[i])) for (const v of VOWELS) out.add(w.slice(0, i) + v + w.slice(i + 1));
    for (const l of LETTERS) out.add(w.slice(0, i) + l + w.slice(i));
  }
  out.delete(w);
  return out;
}

function conceptScore(
  c: Concept,
  termScore: (tid: number) => number,
  tidOf: (t: string) => number | undefined,
  tokens: Int32Array,
): [number, number] {
  let best = 0;
  let bestWeight = 0;
  for (const alt of c.alternatives) {
    const tids = alt.terms.map(tidOf);
    if (tids.some((t) => t === undefined)) continue;
    const scores = (tids as number[]).map(termScore);
    if (scores.some((s) => s === 0)) continue;
    let s = scores.reduce((a, b) => a + b, 0) / scores.length;
    // Words of a phrase scattered over a passage say little ("young … people … version").
    if (tids.length > 1) s *= adjacent(tokens, tids as number[]) ? 1.3 : 0.3;
    if (alt.weight * s > best) {
      best = alt.weight * s;
      bestWeight = alt.weight;
    }
  }
  return [best, bestWeight];
}

function adjacent(tokens: Int32Array, seq: number[]): boolean {
  outer: for (let i = 0; i + seq.length <= tokens.length; i++) {
    for (let k = 0; k < seq.length; k++) if (tokens[i + k] !== seq[k]) continue outer;
    return true;
  }
  return false;
}

/** Consecutive question words found close together in the passage (within 3 words) earn a bonus. */
function proximity(sequence: string[], tokens: Int32Array, vocab: Map<string, number>, idfOf: (t: number | undefined) => number): number {
  if (sequence.length < 2) return 0;
  const ids = sequence.map((t) => vocab.get(t));
  const pos = new Map<number, number[]>();
  for (const id of ids) if (id !== undefined) pos.set(id, []);
  tokens.forEach((t, i) => pos.get(t)?.push(i));
  let bonus = 0;
  for (let i = 0; i + 1 < ids.length; i++) {
    const a = ids[i];
    const b = ids[i + 1];
    if (a === undefined || b === undefined || a === b) continue;
    const pa = pos.get(a)!;
    const pb = pos.get(b)!;
    if (!pa.length || !pb.length) continue;
    let near = false;
    for (const x of pa) {
      for (const y of pb) if (Math.abs(y - x) <= 3) near = true;
      if (near) break;
    }
    if (near) bonus += 0.6 * Math.min(idfOf(a), idfOf(b));
  }
  return bonus;
}

/** What a passage that answers "how many / how often / when / how long …" contains. */
const ANSWER_PATTERNS: Record<AnswerType, RegExp> = {
  number: /\b\d[\d,.]*\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|hundred|thousand)\b/i,
  frequency: /\b(?:daily|weekly|fortnightly|monthly|bi-monthly|quarterly|annually|annual|yearly|biennial|bi-annual|every|once|twice|(?:one|two|three|four|\d+) (?:times|occasions))\b/i,
  duration: /\b(?:\d+|an?|one|two|three|four|few)\s+(?:minutes?|hours?|days?|weeks?|months?|years?)\b/i,
  date: /\b(?:19|20)\d\d\b|\b(?:january|february|march|april|may|june|july|august|september|october|november|december)\b/i,
  person: /\b(?:[A-Z][a-z]+ [A-Z][a-z]+|chair|manager|officer|lead|director|chief|nurse|co-ordinator|coordinator|team|subgroup|board)\b/,
  place: /\b(?:locations?|located|based (?:at|in)|venues?|such as|sites?)\b/i,
};

const TYPED_NEAR = new Set<AnswerType>(['frequency', 'duration', 'number', 'date']);
const TYPED_RESCORE = 15;
const TYPED_NEAR_BOOST = 1.2;

/** A short line that opens a list: "Our values are:", "Key aspects of the Duty are:-", "including:". */
const LIST_INTRO = /^.{0,80}\b(?:are|is|include|includes|including|as follows)\s*:-?\s*$|^[^.:]{2,60}:\s*$/i;
const LIST_INTRO_BOOST = 1.35;
/** Words common enough to introduce many lists ("the following are:") do not earn the boost. */
const LIST_MIN_IDF = 2;

/** A sentence with the asked kind of answer and one of the question's own words (not just the title's). */
function typedSentence(q: AnalyzedQuery, text: string): boolean {
  const pattern = ANSWER_PATTERNS[q.answerType!];
  const wanted = q.concepts.filter((c) => c.primary && !TYPE_WORDS.has(c.alternatives[0].terms.join(' ')));
  // A year ("Strategy 2023-2025") is not the count a "how many" question wants.
  const answerIn = (t: string) => pattern.test(q.answerType === 'number' ? t.replace(YEARS, ' ') : t);
  for (const line of text.split('\n')) {
    if (!answerIn(line)) continue;
    for (const sentence of line.split(/(?<=[.!?])\s+/)) {
      if (!answerIn(sentence)) continue;
      const terms = new Set(analyze(sentence));
      if (wanted.some((c) => c.alternatives.some((a) => a.terms.every((t) => terms.has(t))))) return true;
    }
  }
  return false;
}

const YEARS = /\b(?:19|20)\d\d(?:[-–\/](?:19|20)?\d\d)?\b/g;

/** Question words that only say which kind of answer is wanted. */
const TYPE_WORDS = new Set(['often', 'mani', 'much', 'long', 'frequent', 'regular', 'number', 'date', 'year', 'month', 'time']);

function publishedMonths(p: string): number {
  const m = /^(\d{4})(?:-(\d{2}))?/.exec(p);
  return m ? Number(m[1]) * 12 + (m[2] ? Number(m[2]) - 1 : 6) : 0;
}

/** The k ids with the highest scores, best first, without sorting everything (a small min-heap). */
function topK(ids: number[], scores: Float64Array, k: number): number[] {
  if (ids.length <= k) return [...ids].sort((a, b) => scores[b] - scores[a]);
  const heap: number[] = [];
  const less = (a: number, b: number) => scores[heap[a]] < scores[heap[b]];
  const swap = (a: number, b: number) => ([heap[a], heap[b]] = [heap[b], heap[a]]);
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(l, m)) m = l;
      if (r < heap.length && less(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  for (const id of ids) {
    if (heap.length < k) {
      heap.push(id);
      for (let i = heap.length - 1; i > 0; ) {
        const p = (i - 1) >> 1;
        if (!less(i, p)) break;
        swap(i, p);
        i = p;
      }
    } else if (scores[id] > scores[heap[0]]) {
      heap[0] = id;
      down(0);
    }
  }
  return heap.sort((a, b) => scores[b] - scores[a]);
}
