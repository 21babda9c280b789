/**
 * Fitting the sentence model (which sentences of a passage answer the question) from the corpus's train split:
 * each answerable training question names the passage that answers it and the facts the answer must give; the
 * sentences of that passage holding a fact are the positives, the others negatives. Scored out of fold by
 * writer, against ranking the sentences by shared words alone.
 */
import type { Chunk } from '../knowledge.types';
import { termNames, type LexicalIndex } from '../search/lexical-index';
import { unitContext, unitFeatures, unitHints, type UnitArtefact } from '../answer/unit-model';
import { scoreUnit, unitsOf } from '../answer/units';
import type { CorpusMessage } from './corpus';
import { factTypesAsked, factTypesHeld } from './fact-types';
import { predict, prng, trainLinear, type LinearModelJson, type TrainExample } from './linear-model';
import { contentStems, ExchangeNeighbours, QuestionNeighbours } from './neighbours';
import { viewOf } from './message-features';
import { storedExchanges, storedQuestions } from './train-ranker';
import { Ranker } from './ranker';
import { writerFolds } from './train';

export interface UnitGroup {
  writer: string;
  /** One example per sentence of the gold passage. */
  examples: TrainExample[];
  /** The old ranking: shared words, boosted when the sentence holds the kind of fact asked for. */
  lexical: number[];
}

export interface UnitTrainReport {
  questions: number;
  /** Share of questions whose top sentence holds a fact: by shared words, and by the model out of fold. */
  lexicalFirst: number;
  oofFirst: number;
  lexicalTopTwo: number;
  oofTopTwo: number;
}

export const UNIT_TRAIN = { epochs: 15, l2: 3e-3, learningRate: 0.1 };

const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

interface FactQuestion {
  writer: string;
  message: string;
  /** A follow-up's previous question (its words join the query at a lower weight, as when the bot answers). */
  previous?: string;
  /** The snippets that answered the previous question (a follow-up's context). */
  previousGold?: string[];
  gold: string[];
  facts: string[];
}

function questionsWithFacts(train: CorpusMessage[]): FactQuestion[] {
  const out: FactQuestion[] = [];
  for (const m of train) {
    if (m.kind === 'answerable' && m.gold?.length && m.facts?.length) out.push({ writer: m.writer, message: m.message, gold: m.gold, facts: m.facts });
    const [t1, t2] = m.kind === 'followup' ? m.turns ?? [] : [];
    if (t1?.gold?.length && t1.facts?.length) out.push({ writer: m.writer, message: t1.message, gold: t1.gold, facts: t1.facts });
    if (t1 && t2?.gold?.length && t2.facts?.length && m.leans !== false) out.push({ writer: m.writer, message: t2.message, previous: t1.message, previousGold: t1.gold, gold: t2.gold, facts: t2.facts });
  }
  return out;
}

/** The labelled sentences of every training question whose facts sit in some sentences of its passage but not all. */
export function unitGroups(train: CorpusMessage[], index: LexicalIndex): UnitGroup[] {
  const ranker = new Ranker(index);
  const names = termNames(index);
  const texts = index.chunks.map((c) => norm(c.text));
  // Where earlier askers (other writers) of similar questions, and of similar follow-ups after the same passage,
  // marked their answer: evidence the bot has when it answers. Some questions are trained without it, as a
  // question about a passage nobody has asked about will be.
  const neighbours = new QuestionNeighbours(storedQuestions(train), index.chunks);
  const exchanges = new ExchangeNeighbours(storedExchanges(train), index.chunks);
  const rand = prng(11);
  const groups: UnitGroup[] = [];
  for (const m of questionsWithFacts(train)) {
    const withoutHints = rand() < 0.3;
    const gold = m.gold.map(norm);
    const at = texts.findIndex((t) => gold.some((g) => t.includes(g)));
    if (at < 0) continue;
    const chunk: Chunk = index.chunks[at];
    const units = unitsOf(chunk);
    const positive = units.map((u) => m.facts.some((f) => norm(u.text).includes(norm(f))));
    if (!positive.some(Boolean) || positive.every(Boolean)) continue;
    const q = ranker.query(m.message, m.previous);
    const asked = factTypesAsked(m.message);
    const lexical = units.map((u) => scoreUnit(u, q, (t) => index.idf(t), (t) => names[t]));
    const ctx = unitContext(q, lexical, index, units, (t) => names[t]);
    if (!withoutHints) {
      const stems = contentStems(m.message);
      const snippets = neighbours.evidence(stems, m.writer).snippetsOf(at);
      if (m.previousGold) {
        const context = texts.flatMap((t, i) => (m.previousGold!.map(norm).some((g) => t.includes(g)) ? [i] : []));
        snippets.push(...exchanges.evidence(viewOf(m.message).stems, context, m.writer).snippetsOf(at));
      }
      ctx.hints = unitHints(units, snippets);
    }
    groups.push({
      writer: m.writer,
      examples: units.map((_, i) => ({ x: unitFeatures(units, i, ctx, asked), y: positive[i] ? 1 : 0 })),
      lexical: units.map((u, i) => lexical[i] * ([...asked].some((a) => factTypesHeld(u.text).has(a)) ? 1.3 : 1)),
    });
  }
  return groups;
}

export function fitUnits(groups: UnitGroup[]): LinearModelJson {
  return trainLinear(['other', 'answers'], groups.flatMap((g) => g.examples), { ...UNIT_TRAIN, prune: 0.005 });
}

export function trainUnits(train: CorpusMessage[], index: LexicalIndex, corpusHash: string): { artefact: UnitArtefact; report: UnitTrainReport } {
  const groups = unitGroups(train, index);
  const order = (scores: number[]) => scores.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, i]) => i);
  const holds = (g: UnitGroup, i: number | undefined) => i !== undefined && g.examples[i].y === 1;
  let lexFirst = 0;
  let lexTwo = 0;
  let oofFirst = 0;
  let oofTwo = 0;
  for (const g of groups) {
    const o = order(g.lexical);
    if (holds(g, o[0])) lexFirst++;
    if (holds(g, o[0]) || holds(g, o[1])) lexTwo++;
  }
  const { fold, k } = writerFolds(groups.map((g) => g.writer));
  for (let f = 0; f < k; f++) {
    const rest = groups.filter((_, i) => fold[i] !== f);
    if (!rest.length || rest.length === groups.length) continue;
    const model = fitUnits(rest);
    groups.forEach((g, i) => {
      if (fold[i] !== f) return;
      const o = order(g.examples.map((e) => predict(model, e.x)[1]));
      if (holds(g, o[0])) oofFirst++;
      if (holds(g, o[0]) || holds(g, o[1])) oofTwo++;
    });
  }
  const n = groups.length || 1;
  return {
    artefact: { corpusHash, model: fitUnits(groups) },
    report: { questions: groups.length, lexicalFirst: lexFirst / n, oofFirst: oofFirst / n, lexicalTopTwo: lexTwo / n, oofTopTwo: oofTwo / n },
  };
}
