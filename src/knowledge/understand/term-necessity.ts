/**
 * How much each question word counts, learned from the corpus: the share of training questions with that word
 * whose right passage contains it (the word itself or one of its expansions). Words people type around a
 * question — "kid", "often", "mention", "ppl", "stuff", "thx" — are rarely in the passage that answers, so they
 * count for less in matching and in the share of the question a passage covers; a word the training questions
 * seldom use keeps its full weight (the estimate is pulled towards the average share by a prior), and no word
 * counts for more than the person's own word does today. Only down-weighting: a learned "term necessity"
 * (in the sense of Zhao and Callan's query-term necessity), not a list of filler words.
 */
import { foldText, passagesHolding, type CorpusMessage } from './corpus';
import type { LexicalIndex } from '../search/lexical-index';
import type { Query } from '../search/query';

export interface NecessityJson {
  /** Share of all training question words found in their right passage (the prior's mean). */
  prior: number;
  /** Weight of the prior, in questions. */
  strength: number;
  /** No word counts for less than this share of its weight. */
  floor: number;
  /** stem → [training questions using it, of those whose right passage contains it]; stems used at least `MIN_USES` times. */
  terms: Record<string, [number, number]>;
}

export const NECESSITY_STRENGTH = 4;
export const NECESSITY_FLOOR = 0.1;
const MIN_USES = 3;

type Counts = Map<string, [number, number]>;

export class TermNecessity {
  constructor(
    private readonly json: NecessityJson,
    /** Per writer (training only): a writer's own questions are left out of the weights their questions get. */
    private readonly byWriter?: Map<string, Counts>,
  ) {}

  /** The share of its weight a question word keeps (1: all of it). */
  multiplier(stem: string, excludeWriter?: string): number {
    let [n, k] = this.json.terms[stem] ?? [0, 0];
    const own = excludeWriter ? this.byWriter?.get(excludeWriter)?.get(stem) : undefined;
    if (own) {
      n -= own[0];
      k -= own[1];
    }
    if (n <= 0) return 1;
    const { prior, strength, floor } = this.json;
    if (!(prior > 0)) return 1;
    const share = (k + strength * prior) / (n + strength);
    return Math.max(floor, Math.min(1, share / prior));
  }

  /** Sets each term's `necessity` (in place) and returns the query. */
  apply(q: Query, excludeWriter?: string): Query {
    for (const t of q.terms) t.necessity = this.multiplier(t.stem, excludeWriter);
    return q;
  }

  toJSON(): NecessityJson {
    return this.json;
  }
}

/** The questions (typed words, right passages) a training message gives: answerable questions and both turns of a follow-up, each turn on its own words. */
function askedWithGold(m: CorpusMessage): { message: string; gold: string[] }[] {
  if (m.kind === 'answerable' && m.gold?.length) return [{ message: m.message, gold: m.gold }];
  if (m.kind === 'followup') return (m.turns ?? []).filter((t) => t.gold?.length).map((t) => ({ message: t.message, gold: t.gold! }));
  return [];
}

/** Counts, on the train split, how often each question word is in the right passage. */
export function learnNecessity(train: CorpusMessage[], index: LexicalIndex, query: (text: string) => Query): TermNecessity {
  const texts = index.chunks.map((c) => foldText(c.text));
  const total: Counts = new Map();
  const byWriter = new Map<string, Counts>();
  let uses = 0;
  let found = 0;
  const add = (into: Counts, stem: string, hit: boolean) => {
    const c = into.get(stem) ?? [0, 0];
    c[0]++;
    if (hit) c[1]++;
    into.set(stem, c);
  };
  for (const m of train) {
    for (const { message, gold } of askedWithGold(m)) {
      const passages = passagesHolding(texts, gold);
      if (!passages.length) continue;
      const words = passages.map((d) => new Set<number>([...index.body[d], ...index.head[d]]));
      const mine = byWriter.get(m.writer) ?? new Map();
      byWriter.set(m.writer, mine);
      const seen = new Set<string>();
      for (const t of query(message).terms) {
        if (seen.has(t.stem)) continue;
        seen.add(t.stem);
        const forms = [...(t.tid !== undefined ? [[t.tid]] : []), ...t.expansions.map((e) => e.tids)];
        const hit = words.some((w) => forms.some((tids) => tids.every((x) => w.has(x))));
        add(total, t.stem, hit);
        add(mine, t.stem, hit);
        uses++;
        if (hit) found++;
      }
    }
  }
  const terms: Record<string, [number, number]> = {};
  for (const stem of [...total.keys()].sort()) {
    const c = total.get(stem)!;
    if (c[0] >= MIN_USES) terms[stem] = [c[0], c[1]];
  }
  const prior = uses ? found / uses : 1;
  return new TermNecessity({ prior: Math.round(prior * 1e4) / 1e4, strength: NECESSITY_STRENGTH, floor: NECESSITY_FLOOR, terms }, byWriter);
}
