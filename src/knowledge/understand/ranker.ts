/**
 * Finding the passage that answers, and deciding whether it does. Three stages:
 * 1. candidates: BM25 over each passage's text and context (heading path, title), with the question's
 *    words and their weaker expansions, plus the passages that answered similar earlier questions;
 * 2. a learned reranker (logistic regression over match, coverage, proximity, fact-type, neighbour and
 *    document features) orders the candidates by the probability that each answers;
 * 3. a learned answerability model turns the best candidates' evidence into one of three outcomes: a
 *    confident answer, "the closest I found", or plain not-found.
 * Both models and their thresholds are fitted by `npm run train` on the corpus's train split.
 */
import { createHash } from 'node:crypto';
import type { Chunk } from '../knowledge.types';
import type { LexicalIndex } from '../search/lexical-index';
import { buildQuery, VocabularyHelper, type Query, type QueryTerm } from '../search/query';
import { factTypesAsked, factTypesHeld, holds, type FactType } from './fact-types';
import { splitSentences } from '../chunker';
import { stemToken, tokenize } from './text';
import { predict, type Features, type LinearModelJson } from './linear-model';
import { predictBinary, type BinaryModelJson } from './boosted-trees';
import type { ExchangeEvidence, ExchangeNeighbours, NeighbourEvidence, QuestionNeighbours } from './neighbours';
import { contentStems } from './neighbours';
import { PhraseMatcher, viewOf } from './message-features';
import { SEQUENCE_LEXICON } from './lexicons';
import { neighboursFor, type MessageNeighbours, type StoredMessage } from './message-neighbours';
import { TermNecessity, type NecessityJson } from './term-necessity';

const SEQUENCE = new PhraseMatcher(SEQUENCE_LEXICON);

export type Outcome = 'answer' | 'closest' | 'none';

export interface RankerArtefact {
  corpusHash: string;
  reranker: LinearModelJson;
  /** The questions' answer model: linear, or boosted trees (`ANSWER_MODEL` in train-ranker.ts). */
  answerability: BinaryModelJson;
  /** Answerability probability at or above which the bot answers; below `closest` it shows signposts only. */
  /**
   * `answer` and `closest` for questions; `followUp` for a follow-up read with the previous answer's passages
   * (chosen by the same stated cost on the follow-ups alone; absent in models trained before it, which then use
   * `answer`); `fresh` for a question whose best passage was added since training (chosen by the same cost on the
   * training questions read that way: without their closeness to earlier out-of-scope questions).
   */
  thresholds: { answer: number; closest: number; followUp?: number; fresh?: number };
  /**
   * A follow-up read in context (the previous answer's passages) is ranked and judged by its own reranker and
   * answer model, trained with the earlier follow-up exchanges (`ctx:fknn…`, `fu_knn…`), at its own answer
   * threshold. Questions never use them, so the question models stay as they were fitted on questions: trained
   * jointly, the exchanges moved the questions' answer threshold (README Quality, sixteenth session). Absent in
   * models trained before it, which then rank a follow-up with `reranker` and `thresholds.followUp`.
   * `minCover` is the follow-ups' share of the query's weighted words the best passage must match to answer (or to
   * be shown as the closest), chosen with `answer` by the same stated cost; `MIN_ANSWER_COVER` when absent.
   */
  followUp?: { reranker: LinearModelJson; answerability: BinaryModelJson; answer: number; minCover?: number };
  /**
   * The training questions as they were typed (all their stems, not only the content words), each marked
   * answerable (`ans`) or out of scope (`oos`): how a new question is phrased against them is evidence for
   * answerability ("what's the number for…", "when is the next…").
   */
  phrasing?: StoredMessage[];
  /**
   * The passages the models were trained with (`passageKey` of each text). A question whose best passage is not
   * among them (a document added since) is judged without its closeness to earlier out-of-scope questions: they
   * were labelled against the guidance as it was, and an "out of scope" then may be answered by the new document.
   */
  knownPassages?: string[];
  /** How much each question word counts in matching, learned from the corpus (see `term-necessity.ts`). */
  necessity?: NecessityJson;
}

/** Answerability features that compare the question with earlier out-of-scope questions. */
const OUT_OF_SCOPE_EVIDENCE = /(?:^|[:_])(?:oos|out_of_scope)(?:[:_]|$)/;

/** Whether a reranker was trained to read the earlier follow-up exchanges. */
function readsExchanges(model: LinearModelJson): boolean {
  return 'ctx:fknn' in model.weights;
}

/** A short, stable key of a passage's text (whitespace folded). */
export function passageKey(text: string): string {
  return createHash('sha1').update(text.replace(/\s+/g, ' ').trim()).digest('hex').slice(0, 16);
}


export interface Candidate {
  d: number;
  chunk: Chunk;
  stage1: number;
  features: Features;
  /** Reranker probability that this passage answers. */
  p: number;
}

export interface Ranking {
  query: Query;
  asked: Set<FactType>;
  evidence?: NeighbourEvidence;
  /** For a follow-up: earlier follow-ups in the same context (after an answer from the same passages). */
  exchange?: ExchangeEvidence;
  /** Similarity of the question's phrasing to earlier answerable and out-of-scope questions. */
  phrasing?: Features;
  candidates: Candidate[];
  /** Query-level features for answerability. */
  answerFeatures: Features;
  confidence: number;
  outcome: Outcome;
}

export const CANDIDATES = 30;
/** Passages of similar earlier questions that join the candidates. */
const NEIGHBOUR_CANDIDATES = 20;
/** Below this share of the question's weight matched, a passage never answers it confidently (a sanity floor: the model decides above it). */
export const MIN_ANSWER_COVER = 0.1;
const HEAD_WEIGHT = 0.7;

interface Match {
  /** Best weight with which the term matched (1 own word, less for an expansion), 0 when absent. */
  weight: number;
  inHead: boolean;
  bm25: number;
}

export class Ranker {
  readonly helper: VocabularyHelper;
  private scratch?: Float64Array;
  private touchedScratch?: Int32Array;
  private readonly held: Set<FactType>[];
  private readonly newestMonth: number;
  private readonly months: number[];

  private readonly phrasing?: MessageNeighbours;
  private readonly known?: Set<string>;
  private readonly keys: (boolean | undefined)[] = [];
  /** Whether the reranker and answer model read the earlier follow-up exchanges (trained with them, or training). */
  private readonly readsExchanges: boolean;
  readonly necessity?: TermNecessity;

  constructor(
    readonly index: LexicalIndex,
    readonly neighbours?: QuestionNeighbours,
    readonly artefact?: RankerArtefact,
    /** Earlier questions' phrasing (training passes its own; otherwise the artefact's). */
    phrasing?: StoredMessage[],
    /** Term weights learned from the corpus (training passes its own, with each writer's counts; otherwise the artefact's). */
    necessity?: TermNecessity,
    /** Earlier follow-up exchanges, evidence for a follow-up read in the same context. */
    readonly exchanges?: ExchangeNeighbours,
  ) {
    this.necessity = necessity ?? (artefact?.necessity ? new TermNecessity(artefact.necessity) : undefined);
    const stored = phrasing ?? artefact?.phrasing;
    if (stored?.length) this.phrasing = neighboursFor(stored);
    if (artefact?.knownPassages?.length) this.known = new Set(artefact.knownPassages);
    this.readsExchanges = !artefact?.reranker || readsExchanges(artefact.reranker);
    this.helper = new VocabularyHelper(index);
    this.held = index.chunks.map((c) => factTypesHeld(c.text));
    this.months = index.chunks.map((c) => publishedMonths(c.published));
    this.newestMonth = Math.max(0, ...this.months);
  }

  /**
   * How much a question word counts towards coverage: its IDF; a word the index has never seen counts as a word
   * in one passage — rare, but not so heavy that it vetoes a passage on its own (nor, in a small index, outweighs
   * every word that matched). Times the word's learned necessity (`term-necessity.ts`): a word the right
   * passages of training questions seldom contain ("kid", "often", "mention") counts for less.
   */
  termWeight(t: Query['terms'][number]): number {
    return this.rarity(t) * (t.necessity ?? 1);
  }

  /** A question word's IDF (an unknown word: as if in one passage), without its learned necessity. */
  private rarity(t: Query['terms'][number]): number {
    const ix = this.index;
    return t.tid !== undefined ? ix.idf(t.tid) : Math.log(1 + (ix.size - 0.5) / 1.5);
  }

  /** Term counts of passage `d`'s text and of its context (heading path, title). */
  private termCounts(d: number): { tf: Map<number, number>; th: Map<number, number> } {
    const ix = this.index;
    const tf = new Map<number, number>();
    for (const x of ix.body[d]) tf.set(x, (tf.get(x) ?? 0) + 1);
    const th = new Map<number, number>();
    for (const x of ix.head[d]) th.set(x, (th.get(x) ?? 0) + 1);
    return { tf, th };
  }

  /** The question as the index sees it, each word weighted by its learned necessity (`excludeWriter`: training, leaves that writer's questions out of it). */
  query(question: string, context?: string, excludeWriter?: string): Query {
    const q = buildQuery(question, this.index, this.helper, context);
    return this.necessity ? this.necessity.apply(q, excludeWriter) : q;
  }

  /** Whether passage `d` was in the guidance the models were trained with (true when that is not recorded). */
  isKnownPassage(d: number): boolean {
    if (!this.known) return true;
    return (this.keys[d] ??= this.known.has(passageKey(this.index.chunks[d].text)));
  }

  /** Stage 1: BM25 with expansions, plus passages of similar earlier questions (and of the previous answer). */
  private stage1(q: Query, evidence?: NeighbourEvidence, context?: Set<number>, exchange?: ExchangeEvidence): Map<number, number> {
    const ix = this.index;
    // A score per passage in a reused array, and the passages touched: no map, no full sort (43,600 passages
    // in the benchmark corpus).
    const scores = (this.scratch ??= new Float64Array(ix.size));
    // (reused too: on a large index a common word touches most passages, and a fresh list each time is garbage
    // the size of the index per question)
    const touched = (this.touchedScratch ??= new Int32Array(ix.size));
    let nTouched = 0;
    const addTerm = (tid: number, w: number) => {
      const idf = ix.idf(tid);
      for (const [post, lens, avg, hw] of [
        [ix.bodyPostings[tid], ix.body, ix.avgBody, 1],
        [ix.headPostings[tid], ix.head, ix.avgHead, HEAD_WEIGHT],
      ] as const) {
        if (!post) continue;
        const f = hw * w * idf;
        for (let j = 0; j < post.ids.length; j++) {
          const d = post.ids[j];
          if (scores[d] === 0) touched[nTouched++] = d;
          scores[d] += f * ix.bm25(post.tfs[j], lens[d].length, avg);
        }
      }
    };
    // The reused scores are cleared whatever happens, so no later question can read this one's.
    try {
      for (const t of q.terms) {
        const w = t.weight * (t.necessity ?? 1);
        if (t.tid !== undefined) addTerm(t.tid, w);
        for (const e of t.expansions) for (const tid of e.tids) addTerm(tid, (w * e.weight) / e.tids.length);
      }
      const out = new Map<number, number>(topK(touched.subarray(0, nTouched), scores, CANDIDATES).map((d) => [d, scores[d]]));
      const scoreOf = (d: number) => scores[d] || undefined;
      const best = out.size ? Math.max(...out.values()) : 1;
      // Passages that answered similar earlier questions join the candidates even without shared words.
      // (at most NEIGHBOUR_CANDIDATES of them, the most similar first)
      const near = evidence?.nearest(0.25, NEIGHBOUR_CANDIDATES) ?? [];
      for (const [d] of near) if (!out.has(d)) out.set(d, scoreOf(d) ?? 0.05 * best);
      // A follow-up: the passages that answered earlier follow-ups worded like it, asked in the same context.
      for (const [d] of exchange?.nearest(0.25, NEIGHBOUR_CANDIDATES) ?? []) if (!out.has(d)) out.set(d, scoreOf(d) ?? 0.05 * best);
      for (const d of context ?? []) if (!out.has(d)) out.set(d, scoreOf(d) ?? 0);
      return out;
    } finally {
      for (let i = 0; i < nTouched; i++) scores[touched[i]] = 0;
    }
  }

  private matchTerm(t: Query['terms'][number], tf: Map<number, number>, th: Map<number, number>, d: number): Match {
    const ix = this.index;
    let best: Match = { weight: 0, inHead: false, bm25: 0 };
    const consider = (tids: number[], weight: number) => {
      if (!tids.every((x) => tf.has(x) || th.has(x))) return;
      const inHead = tids.every((x) => th.has(x));
      let s = 0;
      for (const x of tids) s += ix.idf(x) * (ix.bm25(tf.get(x) ?? 0, ix.body[d].length, ix.avgBody) + HEAD_WEIGHT * ix.bm25(th.get(x) ?? 0, ix.head[d].length, ix.avgHead));
      s = (weight * s) / tids.length;
      if (weight > best.weight || (weight === best.weight && s > best.bm25)) best = { weight, inHead, bm25: s };
    };
    if (t.tid !== undefined) consider([t.tid], 1);
    for (const e of t.expansions) consider(e.tids, e.weight);
    return best;
  }

  /** Passages near the previous answer's (same document, within two passages; `after`: the two after it), for follow-up questions. */
  contextOf(chunkIds: string[]): { same: Set<number>; near: Set<number>; after: Set<number>; docs: Set<string> } {
    const same = new Set<number>();
    const near = new Set<number>();
    const after = new Set<number>();
    const docs = new Set<string>();
    for (const id of chunkIds) {
      const d = this.index.chunks.findIndex((c) => c.id === id);
      if (d < 0) continue;
      same.add(d);
      const c = this.index.chunks[d];
      docs.add(c.docId);
      const list = this.index.byDoc.get(c.docId) ?? [];
      const at = list.indexOf(d);
      for (let j = Math.max(0, at - 2); j <= at + 2 && j < list.length; j++) if (list[j] !== d) near.add(list[j]);
      for (let j = at + 1; j <= at + 2 && j < list.length; j++) after.add(list[j]);
    }
    for (const d of same) after.delete(d);
    return { same, near, after, docs };
  }

  /** Stage 2 features of one candidate. */
  private features(
    q: Query,
    asked: Set<FactType>,
    d: number,
    stage1: number,
    rank: number,
    topStage1: number,
    evidence?: NeighbourEvidence,
    ctx?: ReturnType<Ranker['contextOf']>,
    asksNext = false,
    exchange?: ExchangeEvidence,
  ): Features {
    const ix = this.index;
    const f: Features = new Map();
    const { tf, th } = this.termCounts(d);
    let total = 0;
    let own = 0;
    let any = 0;
    let head = 0;
    let known = 0;
    let knownCovered = 0;
    let bm = 0;
    let rareMissing = 0;
    for (const t of q.terms) {
      const w = this.termWeight(t) * t.weight;
      total += w;
      const m = this.matchTerm(t, tf, th, d);
      const isKnown = t.tid !== undefined || t.expansions.length > 0;
      if (isKnown) {
        known += w;
        knownCovered += w * m.weight;
      }
      if (m.weight === 1) own += w;
      any += w * m.weight;
      if (m.inHead) head += w;
      bm += m.bm25 * t.weight;
      if (m.weight === 0 && isKnown && w >= 0.75 * ix.maxIdf) rareMissing += w;
    }
    const z = total || 1;
    f.set('cov_own', own / z);
    f.set('cov_any', any / z);
    f.set('cov_known', known ? knownCovered / known : 0);
    f.set('cov_head', head / z);
    f.set('bm25', bm / z);
    f.set('rare_missing', rareMissing / z);
    f.set('all_covered', any / z > 0.95 ? 1 : 0);
    f.set('prox', proximity(q.sequence, ix.body[d], ix.vocab));
    f.set('stage1_ratio', topStage1 > 0 ? stage1 / topStage1 : 0);
    f.set('stage1_rr', 1 / (rank + 1));
    const sim = evidence?.simOf(d) ?? 0;
    f.set('knn', sim);
    f.set('knn_best', sim > 0 && sim >= (evidence?.answerable ?? 0) - 1e-9 ? 1 : 0);
    f.set('knn_sum3', evidence?.sum3Of(d) ?? 0);
    const held = this.held[d];
    for (const a of asked) f.set(held.has(a) ? `asks:${a}&held` : `asks:${a}&missing`, 1);
    if (asked.size === 0) f.set('asks:none', 1);
    const c = ix.chunks[d];
    f.set(`kind:${c.kind}`, 1);
    const age = this.newestMonth && this.months[d] ? (this.newestMonth - this.months[d]) / 12 : 0;
    f.set('age_years', Math.min(age, 10) / 10);
    const len = ix.body[d].length;
    f.set(len < 40 ? 'len:short' : len < 120 ? 'len:mid' : 'len:long', 1);
    if (ctx) {
      if (ctx.same.has(d)) f.set('ctx:same', 1);
      else if (ctx.near.has(d)) f.set('ctx:near', 1);
      else if (ctx.docs.has(c.docId)) f.set('ctx:doc', 1);
      else f.set('ctx:other', 1);
      if (ctx.after.has(d)) {
        f.set('ctx:after', 1);
        if (asksNext) f.set('ctx:after&next', 1);
      }
      if (asksNext && ctx.same.has(d)) f.set('ctx:same&next', 1);
      // Earlier follow-ups in the same context: how close the nearest one that this passage answered is worded,
      // and how often this passage answered what people asked next there.
      if (exchange?.matched) {
        const fsim = exchange.simOf(d);
        f.set('ctx:fknn', fsim);
        f.set('ctx:fknn_share', exchange.shareOf(d));
        if (fsim > 0 && fsim >= exchange.answerable - 1e-9) f.set('ctx:fknn_best', 1);
      }
      // What the passage covers of the follow-up's own words (the previous question's join the query at a lower
      // weight): the passage just quoted covers the earlier words whatever is asked now, so how much of the new
      // words it covers tells whether the answer is there or in a passage not yet shown.
      const turn = this.coverage(q, d, this.ownWord, { tf, th });
      if (turn !== undefined) {
        f.set('ctx:turn_cov', turn);
        f.set(ctx.same.has(d) ? 'ctx:same&turn_cov' : 'ctx:new&turn_cov', turn);
      }
      // Every feature again under its own name for follow-ups, so the model can weigh evidence differently when
      // a question is read with the previous turn (feature augmentation: shared weights plus follow-up ones).
      for (const [k, v] of [...f]) if (!k.startsWith('ctx:')) f.set(`fu:${k}`, v);
    }
    return f;
  }

  /** Ranks the passages for a question; `excludeWriter` leaves a corpus writer's questions out of the neighbour evidence (training). */
  /**
   * Ranks the passages for a question. `excludeWriter` leaves a corpus writer's questions out of the neighbour
   * evidence (training); `context` is the previous answer's passages (follow-ups); `include` adds passages to
   * the candidates (found by semantic search); `docId` keeps only one document's passages.
   */
  rank(question: string, excludeWriter?: string, q: Query = this.query(question, undefined, excludeWriter), context?: string[], include?: string[], docId?: string): Ranking {
    const asked = factTypesAsked(question);
    const stemsOfQuestion = contentStems(question);
    const evidence = this.neighbours?.evidence(stemsOfQuestion, excludeWriter);
    const ctx = context?.length ? this.contextOf(context) : undefined;
    // (a follow-up is short, and its question words say what it asks next: "who", "when", "how often" — all its words)
    const exchange = ctx && this.exchanges ? this.exchanges.evidence(viewOf(question).stems, ctx.same, excludeWriter) : undefined;
    // A reranker trained without the earlier exchanges does not read them (nor do their passages join its
    // candidates): they still say where in a passage earlier askers found their answer (`Ranking.exchange`).
    const own = ctx ? this.artefact?.followUp : undefined;
    const ranksWith = (own ? readsExchanges(own.reranker) : this.readsExchanges) ? exchange : undefined;
    // The passages just after the previous answer's are candidates too ("what happens after that?").
    const extra = new Set<number>([...(ctx?.same ?? []), ...(ctx?.after ?? [])]);
    const stems = viewOf(question).stems;
    const asksNext = ctx ? SEQUENCE.count(stems).has('next') : false;
    for (const id of include ?? []) {
      const d = this.index.chunks.findIndex((c) => c.id === id);
      if (d >= 0) extra.add(d);
    }
    if (docId) for (const d of this.index.byDoc.get(docId) ?? []) extra.add(d);
    const s1 = this.stage1(q, evidence, extra, ranksWith);
    if (docId) for (const d of [...s1.keys()]) if (this.index.chunks[d].docId !== docId) s1.delete(d);
    const sorted = [...s1.entries()].sort((a, b) => b[1] - a[1]);
    const topStage1 = sorted[0]?.[1] ?? 0;
    const candidates: Candidate[] = sorted.map(([d, score], rank) => {
      const features = this.features(q, asked, d, score, rank, topStage1, evidence, ctx, asksNext, ranksWith);
      return { d, chunk: this.index.chunks[d], stage1: score, features, p: 0 };
    });
    addRelativeFeatures(candidates, !!ctx);
    const model = own?.reranker ?? this.artefact?.reranker;
    for (const c of candidates) c.p = model ? predict(model, c.features)[1] : (c.features.get('stage1_ratio') ?? 0) * 0.5;
    candidates.sort((a, b) => b.p - a.p || b.stage1 - a.stage1);
    const phrasing = this.phrasing?.features(stems, excludeWriter);
    // A best passage added since training: judged on the words alone (see `knownPassages`).
    const fresh = candidates.length > 0 && !this.isKnownPassage(candidates[0].d);
    const answerFeatures = this.answerabilityFeatures(q, asked, candidates, evidence, phrasing, fresh, ranksWith);
    const confidence = this.artefact ? predictBinary(own?.answerability ?? this.artefact.answerability, answerFeatures)[1] : candidates.length ? 1 : 0;
    const th = this.artefact?.thresholds ?? { answer: 0.5, closest: 0.1 };
    // However confident the model, a passage that matches less than a tenth of what the question asks about
    // (its words weighted by rarity, an unknown word counting as rare) does not answer it, nor is it shown as
    // the closest. Otherwise a question the model will not answer gets the closest passages whenever its
    // confidence reaches the "closest" threshold (which nearly every answerable training question reaches):
    // the guidance nearest the question, said to be only that, rather than signposts alone.
    const cover = candidates[0]?.features.get('cov_any') ?? 0;
    // A follow-up (read with the previous answer's passages) has its own answer threshold, and so does a question
    // whose best passage is in a document added since training (read with less evidence).
    const answerAt = own ? own.answer : ctx && th.followUp !== undefined ? th.followUp : fresh && th.fresh !== undefined ? th.fresh : th.answer;
    // (a follow-up leans on the previous answer, and its own models chose how much it must match: `followUp.minCover`)
    const floor = own?.minCover ?? MIN_ANSWER_COVER;
    const outcome: Outcome =
      candidates.length === 0 ? 'none' : confidence >= answerAt && cover >= floor ? 'answer' : confidence >= th.closest && cover >= floor ? 'closest' : 'none';
    return { query: q, asked, evidence, exchange, phrasing, candidates, answerFeatures, confidence, outcome };
  }

  /** Stage 3 features: how strong and how specific the evidence for the best passages is. */
  answerabilityFeatures(q: Query, asked: Set<FactType>, cands: Candidate[], evidence?: NeighbourEvidence, phrasing?: Features, withoutOutOfScope = false, exchange?: ExchangeEvidence): Features {
    const f = this.answerabilityFeaturesAll(q, asked, cands, evidence, phrasing);
    // A follow-up: how close it comes to earlier follow-ups in the same context that were answered, and to those
    // the guidance did not answer ("and her direct number?" after the same passage), and whether the best passage
    // answered one of them.
    if (exchange?.matched) {
      f.set('fu_knn_ans', exchange.answerable);
      f.set('fu_knn_oos', exchange.outOfScope);
      f.set('fu_knn_oos_minus_ans', exchange.outOfScope - exchange.answerable);
      f.set('fu_knn_top', cands[0] ? exchange.simOf(cands[0].d) : 0);
    }
    // About a document added since training: how close the question comes to earlier out-of-scope questions
    // is no evidence (they were out of scope of the guidance as it was), so none of it is read.
    if (withoutOutOfScope) for (const k of [...f.keys()]) if (OUT_OF_SCOPE_EVIDENCE.test(k)) f.delete(k);
    return f;
  }

  /** A term's weight when it is the message's own word; 0 for the previous question's (a follow-up's query carries them at a lower weight). */
  private readonly ownWord = (t: QueryTerm): number => (t.weight < 1 ? 0 : this.termWeight(t));

  /** The share of the query's weight (each term weighed by `weigh`) that passage `d` matches; undefined when nothing weighs. */
  private coverage(q: Query, d: number, weigh: (t: QueryTerm) => number, { tf, th } = this.termCounts(d)): number | undefined {
    let all = 0;
    let covered = 0;
    for (const t of q.terms) {
      const w = weigh(t);
      if (!w) continue;
      all += w;
      covered += w * this.matchTerm(t, tf, th, d).weight;
    }
    return all ? covered / all : undefined;
  }

  private answerabilityFeaturesAll(q: Query, asked: Set<FactType>, cands: Candidate[], evidence?: NeighbourEvidence, phrasing?: Features): Features {
    const f: Features = new Map();
    for (const [k, v] of phrasing ?? []) f.set(`phr:${k}`, v);
    const top = cands[0];
    const second = cands[1];
    f.set('p1', top?.p ?? 0);
    f.set('p2', second?.p ?? 0);
    f.set('margin', (top?.p ?? 0) - (second?.p ?? 0));
    for (const name of ['cov_own', 'cov_any', 'cov_known', 'cov_head', 'rare_missing', 'prox', 'bm25', 'knn']) f.set(`top_${name}`, top?.features.get(name) ?? 0);
    // What the best passage covers of the question with every word at full weight: the words the learned
    // weights count for less ("next", "this week") are also what a near miss asks for and the passage lacks.
    if (top && this.necessity) f.set('top_cov_plain', this.coverage(q, top.d, (t) => this.rarity(t) * t.weight) ?? 0);
    // What the best passage covers of the message's own words (a follow-up's query also carries the previous
    // question's words at a lower weight, which the previous answer's passage covers whatever is asked now:
    // "and what's her direct number?"). For a question on its own, every word is its own.
    if (top) f.set('top_cov_turn', this.coverage(q, top.d, this.ownWord) ?? top.features.get('cov_any') ?? 0);
    const ix = this.index;
    let total = 0;
    let unknown = 0;
    for (const t of q.terms) {
      const w = this.termWeight(t);
      total += w;
      if (t.tid === undefined && t.expansions.length === 0) unknown += w;
    }
    f.set('unknown_share', total ? unknown / total : 1);
    f.set('terms', Math.min(q.terms.length, 12) / 12);
    f.set('knn_answerable', evidence?.answerable ?? 0);
    f.set('knn_out_of_scope', evidence?.outOfScope ?? 0);
    f.set('knn_oos_minus_ans', (evidence?.outOfScope ?? 0) - (evidence?.answerable ?? 0));
    f.set('knn_oos_share5', evidence?.oosShareTop5 ?? 0);
    f.set('knn_nearest_oos', evidence?.nearestOos ?? 0);
    // The fact asked for, next to what the question is about: a sentence (with the one before it) of a top
    // passage that holds both the question's rarest words and a fact of the asked kind.
    const anchors = q.terms
      .filter((t) => t.tid !== undefined)
      .sort((a, b) => ix.idf(b.tid) - ix.idf(a.tid))
      .slice(0, 2);
    for (const a of asked) {
      let near = 0;
      for (const c of cands.slice(0, 3)) {
        const sentences = c.chunk.text.split('\n').flatMap((l) => splitSentences(l));
        for (let i = 0; i < sentences.length && near < 1; i++) {
          if (!holds(a, sentences[i])) continue;
          const terms = new Set(tokenize(`${c.chunk.headingPath.join(' ')} ${sentences[i - 1] ?? ''} ${sentences[i]}`).map(stemToken));
          if (anchors.some((t) => terms.has(t.stem))) near = c === cands[0] ? 1 : 0.6;
        }
        if (near) break;
      }
      f.set(`fact_near:${a}`, near);
      f.set('fact_near_any', Math.max(f.get('fact_near_any') ?? 0, near));
      if (!near) f.set('fact_absent', (f.get('fact_absent') ?? 0) + 1);
    }
    if (top) {
      let missing = 0;
      for (const a of asked) if (!this.held[top.d].has(a) && !(second && this.held[second.d].has(a))) missing++;
      for (const a of asked) f.set(this.held[top.d].has(a) ? `asks:${a}&held` : `asks:${a}&missing`, 1);
      f.set('asked_missing', missing);
    }
    return f;
  }
}

/** Share of consecutive question-word pairs that sit within four words of each other in the passage. */
function proximity(sequence: string[], tokens: Int32Array, vocab: Map<string, number>): number {
  if (sequence.length < 2) return 0;
  const ids = sequence.map((t) => vocab.get(t));
  const pos = new Map<number, number[]>();
  for (const id of ids) if (id !== undefined) pos.set(id, []);
  tokens.forEach((t, i) => pos.get(t)?.push(i));
  let near = 0;
  let pairs = 0;
  for (let i = 0; i + 1 < ids.length; i++) {
    const a = ids[i];
    const b = ids[i + 1];
    if (a === undefined || b === undefined || a === b) continue;
    pairs++;
    const pa = pos.get(a)!;
    const pb = pos.get(b)!;
    let found = false;
    for (let x = 0, y = 0; x < pa.length && y < pb.length && !found; ) {
      if (Math.abs(pa[x] - pb[y]) <= 4) found = true;
      else if (pa[x] < pb[y]) x++;
      else y++;
    }
    if (found) near++;
  }
  return pairs ? near / pairs : 0;
}

function publishedMonths(p: string): number {
  const m = /^(\d{4})(?:-(\d{2}))?/.exec(p);
  return m ? Number(m[1]) * 12 + (m[2] ? Number(m[2]) - 1 : 6) : 0;
}

/** The k ids with the highest scores, best first, without sorting them all (a small min-heap). */
function topK(ids: ArrayLike<number> & Iterable<number>, scores: Float64Array, k: number): number[] {
  if (ids.length <= k) return Array.from(ids).sort((a, b) => scores[b] - scores[a]);
  const heap: number[] = [];
  const less = (a: number, b: number) => scores[heap[a]] < scores[heap[b]];
  const swap = (a: number, b: number) => ([heap[a], heap[b]] = [heap[b], heap[a]]);
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
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(l, m)) m = l;
        if (r < heap.length && less(r, m)) m = r;
        if (m === i) break;
        swap(i, m);
        i = m;
      }
    }
  }
  return heap.sort((a, b) => scores[b] - scores[a]);
}

/** Features read against the other candidates of the same question. */
const RELATIVE = ['cov_own', 'cov_any', 'cov_head', 'bm25', 'prox', 'ctx:turn_cov'];

/**
 * Each candidate's evidence against the best any candidate of the same question has (its value minus the best, and
 * whether it is the best): a logistic reranker scores candidates one at a time, and what makes a passage the answer
 * is often that it covers the question better than the others do — for a follow-up, the follow-up's own words
 * rather than the words of the passage just quoted.
 */
function addRelativeFeatures(cands: Candidate[], followUp: boolean): void {
  for (const name of RELATIVE) {
    let best = -Infinity;
    for (const c of cands) {
      const v = c.features.get(name);
      if (v !== undefined && v > best) best = v;
    }
    if (best === -Infinity) continue;
    for (const c of cands) {
      const v = c.features.get(name) ?? 0;
      const add = (k: string, x: number) => {
        c.features.set(k, x);
        if (followUp) c.features.set(`fu:${k}`, x);
      };
      add(`rel:${name}`, v - best);
      if (v >= best - 1e-9 && best > 0) add(`best:${name}`, 1);
    }
  }
}
