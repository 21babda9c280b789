/**
 * Questions asked before: the corpus's training questions (answerable ones with the passage that answers
 * them, and out-of-scope ones), kept as a small artefact. A new question close to earlier ones about a
 * passage is evidence for that passage; one close to earlier out-of-scope questions is evidence that the
 * guidance does not answer it. Similarity is TF-IDF cosine over content-word stems.
 */
import type { Chunk } from '../knowledge.types';
import { QUESTION_WORDS, STOP_WORDS, stem } from '../search/analyzer';
import { tokenize } from './text';

export interface StoredQuestion {
  id: string;
  /** Who wrote it (corpus batch): training leaves a writer's own questions out of its evidence. */
  writer?: string;
  kind: 'answerable' | 'out_of_scope';
  /** Content-word stems. */
  stems: string[];
  /** Verbatim snippets of the passage that answers (answerable only). */
  gold?: string[];
}

export interface QuestionsArtefact {
  corpusHash: string;
  questions: StoredQuestion[];
  /** The training follow-up exchanges (absent in models trained before they were kept). */
  exchanges?: StoredExchange[];
}

/** Content-word stems of a question (the same words the search uses). */
export function contentStems(text: string): string[] {
  const out: string[] = [];
  for (const t of tokenize(text)) {
    if (STOP_WORDS.has(t) || QUESTION_WORDS.has(t) || t === '<long>' || t.length < 2) continue;
    out.push(/^\d/.test(t) ? t : stem(t));
  }
  return out;
}

export interface NeighbourEvidence {
  /** Highest similarity of an earlier question answered by passage `d` (0 when none). */
  simOf(d: number): number;
  /** Sum of the three highest such similarities (several earlier askers agreeing). */
  sum3Of(d: number): number;
  /** Passages answered by an earlier question at least `min` similar, with that similarity, most similar first, at most `k`. */
  nearest(min: number, k: number): [number, number][];
  /** Highest similarity to an earlier answerable question (any passage) and to an out-of-scope one. */
  answerable: number;
  outOfScope: number;
  /** Share of out-of-scope questions among the five nearest, weighted by similarity (0 when none is near). */
  oosShareTop5: number;
  /** The nearest earlier question is out of scope: its similarity (0 otherwise). */
  nearestOos: number;
  /** The snippets of passage `d` that answered earlier questions (normalised), each with that question's similarity. */
  snippetsOf(d: number): [string, number][];
}

interface Vec {
  terms: Map<string, number>;
  norm: number;
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

/** Inverse document frequency of each stem over the stored messages (each a list of stems). */
function idfOf(stemLists: readonly string[][]): Map<string, number> {
  const df = new Map<string, number>();
  for (const stems of stemLists) for (const t of new Set(stems)) df.set(t, (df.get(t) ?? 0) + 1);
  const n = stemLists.length || 1;
  return new Map([...df].map(([t, d]) => [t, Math.log(1 + n / d)]));
}

/** A message's TF-IDF vector; a stem none of the `stored` messages has weighs as if in one of them. */
function tfIdfVector(stems: string[], idf: Map<string, number>, stored: number): Vec {
  const terms = new Map<string, number>();
  for (const s of stems) terms.set(s, (terms.get(s) ?? 0) + 1);
  let sq = 0;
  for (const [t, tf] of terms) {
    const w = (1 + Math.log(tf)) * (idf.get(t) ?? Math.log(1 + (stored || 1)));
    terms.set(t, w);
    sq += w * w;
  }
  return { terms, norm: Math.sqrt(sq) || 1 };
}

/** The passages holding any of some verbatim snippets (`candidatesFor` narrows where to look; all passages without it). */
function snippetFinder(chunks: readonly Chunk[], candidatesFor?: (snippet: string) => number[] | undefined): (snippets: readonly string[] | undefined) => number[] {
  const texts = chunks.map((c) => norm(c.text));
  const all = chunks.map((_, i) => i);
  return (snippets) => {
    const out = new Set<number>();
    for (const g of snippets ?? []) {
      const snippet = norm(g);
      for (const i of candidatesFor?.(g) ?? all) if (texts[i].includes(snippet)) out.add(i);
    }
    return [...out];
  };
}

/** For each passage, the stored messages whose list names it (the inverse of `lists`). */
function byPassage(lists: number[][]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  lists.forEach((list, i) => {
    for (const c of list) {
      const xs = out.get(c) ?? [];
      xs.push(i);
      out.set(c, xs);
    }
  });
  return out;
}

export class QuestionNeighbours {
  private readonly vecs: Vec[];
  private readonly idf: Map<string, number>;
  private readonly postings = new Map<string, number[]>();
  /** For each stored question, the chunks that contain its gold snippets. */
  private readonly chunksOf: number[][];
  /** For each chunk, the stored questions it answers (the inverse of `chunksOf`). */
  private readonly questionsOf: Map<number, number[]>;

  constructor(
    private readonly questions: StoredQuestion[],
    chunks: readonly Chunk[],
    /** Narrows the passages a gold snippet can be in (the lexical index's postings); all passages are searched without it. */
    candidatesFor?: (snippet: string) => number[] | undefined,
  ) {
    this.idf = idfOf(questions.map((q) => q.stems));
    this.vecs = questions.map((q, i) => {
      const v = this.vector(q.stems);
      for (const t of v.terms.keys()) {
        const list = this.postings.get(t) ?? [];
        list.push(i);
        this.postings.set(t, list);
      }
      return v;
    });
    const holding = snippetFinder(chunks, candidatesFor);
    this.chunksOf = questions.map((q) => (q.kind === 'answerable' ? holding(q.gold) : []));
    this.questionsOf = byPassage(this.chunksOf);
  }

  private vector(stems: string[]): Vec {
    return tfIdfVector(stems, this.idf, this.questions.length);
  }

  /**
   * Evidence for a question. `excludeWriter` leaves out every stored question by that writer: when training
   * on a corpus question, its evidence must come from other people's wording, as a new user's will.
   */
  evidence(stems: string[], excludeWriter?: string): NeighbourEvidence {
    const q = this.vector(stems);
    const dots = new Map<number, number>();
    for (const [t, w] of q.terms) {
      for (const i of this.postings.get(t) ?? []) dots.set(i, (dots.get(i) ?? 0) + w * (this.vecs[i].terms.get(t) ?? 0));
    }
    // Similarity of each earlier answerable question (in the order found): a passage's evidence is read from
    // the questions it answers when it is asked for, not spread over every passage up front (with a passage
    // repeated across many documents, that was a map the size of the index per question).
    const sims = new Map<number, number>();
    let answerable = 0;
    let outOfScope = 0;
    const near: { sim: number; oos: boolean }[] = [];
    for (const [i, dot] of dots) {
      const stored = this.questions[i];
      if (excludeWriter !== undefined && stored.writer === excludeWriter) continue;
      const sim = dot / (q.norm * this.vecs[i].norm);
      near.push({ sim, oos: stored.kind === 'out_of_scope' });
      if (stored.kind === 'out_of_scope') outOfScope = Math.max(outOfScope, sim);
      else {
        answerable = Math.max(answerable, sim);
        if (this.chunksOf[i].length) sims.set(i, sim);
      }
    }
    const simsOf = (d: number) => (this.questionsOf.get(d) ?? []).map((i) => sims.get(i)).filter((x): x is number => x !== undefined);
    const out: NeighbourEvidence = {
      simOf: (d) => Math.max(0, ...simsOf(d)),
      sum3Of: (d) =>
        simsOf(d)
          .sort((a, b) => b - a)
          .slice(0, 3)
          .reduce((a, b) => a + b, 0),
      nearest: (min, k) => {
        const best = new Map<number, number>();
        for (const [i, sim] of sims) {
          if (sim < min) continue;
          for (const c of this.chunksOf[i]) if (sim > (best.get(c) ?? 0)) best.set(c, sim);
        }
        // Equal similarities keep the order in which the passages were first met among all the questions.
        const order = new Map<number, number>();
        for (const i of sims.keys()) for (const c of this.chunksOf[i]) if (best.has(c) && !order.has(c)) order.set(c, order.size);
        return [...best].sort((a, b) => b[1] - a[1] || order.get(a[0])! - order.get(b[0])!).slice(0, k);
      },
      answerable,
      outOfScope,
      oosShareTop5: 0,
      nearestOos: 0,
      snippetsOf: (d) => (this.questionsOf.get(d) ?? []).flatMap((i) => (sims.has(i) ? (this.questions[i].gold ?? []).map((g): [string, number] => [norm(g), sims.get(i)!]) : [])),
    };
    near.sort((a, b) => b.sim - a.sim);
    const top = near.slice(0, 5);
    const total = top.reduce((a, n) => a + n.sim, 0);
    out.oosShareTop5 = total > 0 ? top.filter((n) => n.oos).reduce((a, n) => a + n.sim, 0) / total : 0;
    out.nearestOos = top[0]?.oos ? top[0].sim : 0;
    return out;
  }
}

/**
 * A training follow-up exchange, as evidence for the next one: after a question answered by some passages,
 * what did people ask next, and where was that answered (or was it out of scope)? "and how often do they
 * meet?" after the passage naming the partners was answered by the passage on the executive group's meetings;
 * a new follow-up in the same context, worded like it, is evidence for that passage.
 */
export interface StoredExchange {
  id: string;
  writer?: string;
  /** Verbatim snippets of the passage that answered the first turn: the context. */
  context: string[];
  kind: 'answerable' | 'out_of_scope';
  /** Stems of every word of the second turn (it is short, and its question words say what it asks: "who", "how often"). */
  stems: string[];
  /** Verbatim snippets of the passage that answers the second turn (answerable only). */
  gold?: string[];
}

export interface ExchangeEvidence {
  /** Earlier exchanges in this context (any of the previous answer's passages answered their first turn). */
  matched: number;
  /** Highest similarity of an earlier follow-up in this context answered by passage `d` (0 when none). */
  simOf(d: number): number;
  /** Share of the earlier answerable follow-ups in this context that passage `d` answered. */
  shareOf(d: number): number;
  /** Passages answering earlier follow-ups in this context at least `min` similar, most similar first, at most `k`. */
  nearest(min: number, k: number): [number, number][];
  /** Highest similarity to an earlier answerable follow-up in this context, and to an out-of-scope one. */
  answerable: number;
  outOfScope: number;
  /** The snippets of passage `d` that answered earlier follow-ups in this context (normalised), with their similarity. */
  snippetsOf(d: number): [string, number][];
}

/** Earlier follow-up exchanges, found by their context (the passages of the first answer) and their wording (TF-IDF cosine). */
export class ExchangeNeighbours {
  private readonly idf: Map<string, number>;
  private readonly vecs: Vec[];
  private readonly goldOf: number[][];
  /** For each passage, the exchanges whose first turn it answered. */
  private readonly byContext: Map<number, number[]>;

  constructor(
    private readonly exchanges: StoredExchange[],
    chunks: readonly Chunk[],
    candidatesFor?: (snippet: string) => number[] | undefined,
  ) {
    this.idf = idfOf(exchanges.map((x) => x.stems));
    this.vecs = exchanges.map((x) => tfIdfVector(x.stems, this.idf, exchanges.length));
    const holding = snippetFinder(chunks, candidatesFor);
    this.goldOf = exchanges.map((x) => (x.kind === 'answerable' ? holding(x.gold) : []));
    this.byContext = byPassage(exchanges.map((x) => holding(x.context)));
  }

  /** Evidence for a follow-up (the stems of all its words) read after an answer from passages `context`; `excludeWriter` as for questions. */
  evidence(stems: string[], context: Iterable<number>, excludeWriter?: string): ExchangeEvidence {
    const ids = new Set<number>();
    for (const c of context) for (const i of this.byContext.get(c) ?? []) if (excludeWriter === undefined || this.exchanges[i].writer !== excludeWriter) ids.add(i);
    const q = tfIdfVector(stems, this.idf, this.exchanges.length);
    const best = new Map<number, number>();
    const count = new Map<number, number>();
    let answered = 0;
    let answerable = 0;
    let outOfScope = 0;
    const snippets = new Map<number, [string, number][]>();
    for (const i of ids) {
      const v = this.vecs[i];
      let dot = 0;
      for (const [t, w] of q.terms) dot += w * (v.terms.get(t) ?? 0);
      const sim = dot / (q.norm * v.norm);
      if (this.exchanges[i].kind === 'out_of_scope') {
        outOfScope = Math.max(outOfScope, sim);
        continue;
      }
      answerable = Math.max(answerable, sim);
      if (this.goldOf[i].length) answered++;
      for (const d of this.goldOf[i]) {
        best.set(d, Math.max(best.get(d) ?? 0, sim));
        count.set(d, (count.get(d) ?? 0) + 1);
        const list = snippets.get(d) ?? [];
        for (const g of this.exchanges[i].gold ?? []) list.push([norm(g), sim]);
        snippets.set(d, list);
      }
    }
    return {
      matched: ids.size,
      simOf: (d) => best.get(d) ?? 0,
      shareOf: (d) => (answered ? (count.get(d) ?? 0) / answered : 0),
      nearest: (min, k) => [...best].filter(([, s]) => s >= min).sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, k),
      answerable,
      outOfScope,
      snippetsOf: (d) => snippets.get(d) ?? [],
    };
  }
}
