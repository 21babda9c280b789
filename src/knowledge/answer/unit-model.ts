/**
 * Which sentences of a passage answer the question: a model learned from the corpus (each training question's
 * facts mark the sentences that hold them), replacing a ranking by shared words alone. Shared words find the
 * sentence that names the subject; the fact asked for ("how old was he", "how often do they meet") is often in
 * another sentence of the same passage, and the words of the question that say what kind of fact is wanted
 * ("old", "often", "who") are learned against the kinds of fact each sentence holds.
 */
import type { Features, LinearModelJson } from '../understand/linear-model';
import { predict } from '../understand/linear-model';
import { FACT_TYPES, factTypesHeld, type FactType } from '../understand/fact-types';
import { STOP_WORDS } from '../search/analyzer';
import type { LexicalIndex } from '../search/lexical-index';
import type { Query } from '../search/query';
import { CONTINUES, scoreUnit, type Unit } from './units';

export interface UnitArtefact {
  corpusHash: string;
  model: LinearModelJson;
}

/** Lexical scores of every unit of one passage, for the features that compare a unit with its passage. */
export interface UnitContext {
  /** scoreUnit of each unit. */
  lexical: number[];
  /** The question's total term weight (sum of IDF): a unit's share of it. */
  queryWeight: number;
  /** The question's tokens (stemmed, stop words included: "how", "old", "often"). */
  cueStems: string[];
  /**
   * A follow-up ("and how often do they meet?"): each unit's share of the question's own words and of the
   * previous question's, so the model can prefer what is new over what the last answer already said.
   */
  followUp?: { own: number[]; ownWeight: number; ownBest: number; prev: number[]; prevWeight: number };
  /**
   * For each unit, the similarity of the most similar earlier question (or follow-up in the same context) whose
   * answer, as its writer marked it, is in that unit (0 for none); absent when nobody asked about the passage.
   */
  hints?: number[];
}

const normText = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * Each unit's hint from the snippets earlier askers marked as their answer in this passage (normalised, with
 * their question's similarity): the highest similarity of a snippet inside the unit, or holding it. Undefined
 * when there are none.
 */
export function unitHints(units: Unit[], snippets: readonly [string, number][]): number[] | undefined {
  if (!snippets.length) return undefined;
  const texts = units.map((u) => normText(u.text));
  return texts.map((t) => {
    let best = 0;
    for (const [g, sim] of snippets) if (sim > best && g.length >= 3 && (t.includes(g) || (t.length >= 20 && g.includes(t)))) best = sim;
    return best;
  });
}


/**
 * The context of one passage's units for the question. `units` and `term` (a term id's stem) are needed for a
 * follow-up's evidence: which units match its own words and which the previous question's.
 */
export function unitContext(q: Query, lexical: number[], index: LexicalIndex, units?: Unit[], term?: (tid: number) => string): UnitContext {
  const w = (t: Query['terms'][number]) => (t.tid !== undefined ? index.idf(t.tid) : 1);
  const ctx: UnitContext = { lexical, queryWeight: q.terms.reduce((a, t) => a + w(t) * t.weight, 0), cueStems: q.tokens };
  const isPrev = (t: Query['terms'][number]) => t.weight < 1;
  if (units && term && q.terms.some(isPrev)) {
    const idf = (tid: number) => index.idf(tid);
    const own = units.map((u) => scoreUnit(u, q, idf, term, (t) => !isPrev(t)));
    const prev = units.map((u) => scoreUnit(u, q, idf, term, isPrev));
    ctx.followUp = {
      own,
      ownBest: Math.max(0, ...own),
      ownWeight: q.terms.filter((t) => !isPrev(t)).reduce((a, t) => a + w(t), 0),
      prev,
      prevWeight: q.terms.filter(isPrev).reduce((a, t) => a + w(t) * t.weight, 0),
    };
  }
  return ctx;
}

const bucket = (v: number, edges: number[]) => edges.findIndex((e) => v < e);

/** Features of unit `i` of a passage for the question. */
export function unitFeatures(units: Unit[], i: number, ctx: UnitContext, asked: Set<FactType>): Features {
  const u = units[i];
  const f: Features = new Map();
  const lex = ctx.lexical[i];
  const best = Math.max(...ctx.lexical, 1e-9);
  const share = ctx.queryWeight > 0 ? lex / ctx.queryWeight : 0;
  f.set('share', share);
  f.set('rel', lex / best);
  f.set(`shareB${bucket(share, [0.01, 0.1, 0.25, 0.5, 0.75, Infinity])}`, 1);
  const rank = ctx.lexical.filter((x) => x > lex).length;
  f.set(`rank${Math.min(rank, 4)}`, 1);
  if (lex === best && lex > 0) f.set('best', 1);
  const nearBest = (j: number) => j >= 0 && j < units.length && ctx.lexical[j] === best && best > 0;
  if (nearBest(i - 1)) f.set('afterBest', 1);
  if (nearBest(i + 1)) f.set('beforeBest', 1);
  if (i === 0) f.set('first', 1);
  if (i === units.length - 1) f.set('last', 1);
  f.set(`posB${bucket(units.length > 1 ? i / (units.length - 1) : 0, [0.01, 0.34, 0.67, Infinity])}`, 1);
  f.set(`lenB${bucket(u.text.length, [40, 100, 200, 400, Infinity])}`, 1);
  if (u.isItem) f.set('item', 1);
  if (u.opensList) f.set('opensList', 1);
  if (CONTINUES.test(u.text)) f.set('continues', 1);
  const held = factTypesHeld(u.text);
  // A line that opens a list holds the list (its items are the units after it).
  if (u.opensList) held.add('list');
  for (const t of FACT_TYPES) {
    if (asked.has(t)) f.set(held.has(t) ? `ask+held:${t}` : `ask-held:${t}`, 1);
    else if (held.has(t)) f.set(`held:${t}`, 1);
  }
  if (!asked.size) f.set('askNone', 1);
  if (ctx.hints) {
    const h = ctx.hints[i];
    f.set('knn_unit', h);
    if (h > 0 && h >= Math.max(...ctx.hints) - 1e-9) f.set('knn_unit_best', 1);
  }
  const fu = ctx.followUp;
  if (fu) {
    const own = fu.ownWeight > 0 ? fu.own[i] / fu.ownWeight : 0;
    const prev = fu.prevWeight > 0 ? fu.prev[i] / fu.prevWeight : 0;
    f.set('fu', 1);
    f.set('fu_own', own);
    f.set('fu_prev', prev);
    if (fu.own[i] > 0 && fu.own[i] === fu.ownBest) f.set('fu_ownBest', 1);
    if (prev > 0.5 && own === 0) f.set('fu_prevOnly', 1);
  }
  // The question's own words against the kinds of fact the unit holds ("old" → a number, "often" → a frequency).
  const cues = new Set(ctx.cueStems.filter((s) => s.length > 1 && (!STOP_WORDS.has(s) || /^(?:how|who|when|where|what|which|why)$/.test(s))));
  for (const c of cues) {
    for (const t of held) f.set(`cue:${c}&${t}`, 1);
    if (!held.size) f.set(`cue:${c}&none`, 1);
  }
  return f;
}

/** Probability that each unit holds what the question asks (null model: the lexical scores, scaled). */
export function unitScores(units: Unit[], ctx: UnitContext, asked: Set<FactType>, model?: LinearModelJson): number[] {
  if (!model) return ctx.lexical;
  return units.map((_, i) => predict(model, unitFeatures(units, i, ctx, asked))[1]);
}

