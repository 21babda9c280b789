/**
 * Training reads a follow-up's second turn as the bot reads it (with the first question and the first answer's
 * passages as context): an answerable one as a question its passage answers, an out-of-scope one ("and what's
 * her direct number?") as a question to decline — so the answerability model learns from both.
 */
import type { KnowledgeEngine } from '../../../src/knowledge/knowledge-engine';
import type { CorpusMessage } from '../../../src/knowledge/understand/corpus';
import { ANSWER_MODEL, chooseFollowUpFloor, FOLLOW_UP_FLOORS, prepareRankerData, trainRanker, trainRankerWithFollowUps } from '../../../src/knowledge/understand/train-ranker';
import { bundledGuidanceEngine } from '../../helpers/guidance-engine';
import { featuresRead, isBoosted, predictBoosted, type BoostedModelJson } from '../../../src/knowledge/understand/boosted-trees';
import { Ranker } from '../../../src/knowledge/understand/ranker';

let engine: KnowledgeEngine;
beforeAll(async () => {
  engine = await bundledGuidanceEngine();
});

const CHAIR = 'The Delegated Safeguarding Partners meeting is chaired by the Partnership Chair';
const msg = (id: string, writer: string, extra: Partial<CorpusMessage>): CorpusMessage =>
  ({ id, split: 'train', writer, persona: 'DSL', style: 'plain', kind: 'answerable', message: '', ...extra }) as CorpusMessage;

describe('ranker training data from follow-ups', () => {
  it('an out-of-scope second turn is a question to decline, ranked with the first turn as context', () => {
    const train = [
      msg('a-1', 'a', { message: 'who chairs the delegated safeguarding partners meeting?', gold: [CHAIR] }),
      msg('a-2', 'a', { kind: 'out_of_scope', message: 'what is the chair of the partnership paid?', near: 'partnership chair' }),
      msg('b-1', 'b', {
        kind: 'followup',
        turns: [
          { message: 'who chairs the DSP meeting', gold: [CHAIR] },
          { message: 'whats her direct phone number', out_of_scope: true, near: 'chair contact' },
        ],
      }),
      msg('b-2', 'b', {
        kind: 'followup',
        turns: [
          { message: 'who is the partnership chair at the moment', gold: [CHAIR] },
          { message: 'and until when', gold: [CHAIR], facts: ['2024-2026'] },
        ],
      }),
    ];
    const { items } = prepareRankerData(train, engine.index);
    const byId = new Map(items.map((it) => [it.id, it]));
    expect([...byId.keys()].sort()).toEqual(['a-1', 'a-2', 'b-1#1', 'b-1#2', 'b-2#1', 'b-2#2']);
    const oos = byId.get('b-1#2')!;
    expect(oos.answerable).toBe(false);
    expect(oos.gold.size).toBe(0);
    // Read in context: the first answer's passage is marked for the reranker.
    const chair = engine.index.chunks.findIndex((c) => c.text.includes(CHAIR));
    expect(oos.candidates.find((c) => c.d === chair)?.features.get('ctx:same')).toBe(1);
    expect(byId.get('b-2#2')!.answerable).toBe(true);
    expect([...byId.get('b-2#2')!.gold]).toContain(chair);
  });

  it('questions read without the evidence of similar earlier questions lose it under every name, follow-up copies too', () => {
    const train: CorpusMessage[] = [];
    for (let i = 0; i < 12; i++) {
      train.push(
        msg(`w${i}-1`, `w${i}`, {
          kind: 'followup',
          turns: [
            { message: i % 2 ? 'who chairs the DSP meeting' : 'who is the partnership chair', gold: [CHAIR] },
            { message: 'and until when', gold: [CHAIR], facts: ['2024-2026'] },
          ],
        }),
      );
    }
    const { items, oof, dropKnn } = prepareRankerData(train, engine.index, true);
    const dropped = items.filter((it) => dropKnn.has(it.id));
    expect(dropped.some((it) => it.id.endsWith('#2'))).toBe(true);
    for (const it of items) {
      const keys = oof.get(it.id)!.flatMap((c) => [...c.features.keys()]);
      const knn = keys.filter((k) => /^(fu:)?knn|^ctx:fknn/.test(k));
      if (dropKnn.has(it.id)) expect({ id: it.id, knn }).toEqual({ id: it.id, knn: [] });
    }
    // (and the others keep it, follow-ups under both names)
    const kept = items.find((it) => it.id.endsWith('#2') && !dropKnn.has(it.id))!;
    expect(oof.get(kept.id)!.some((c) => c.features.has('fu:knn'))).toBe(true);
    // Other writers asked the same follow-up after the same passage, which answered it: the passage is read from
    // their exchanges (never the item's own writer's), and so is the answer decision.
    const chair = engine.index.chunks.findIndex((c) => c.text.includes(CHAIR));
    const gold = oof.get(kept.id)!.find((c) => c.d === chair)!;
    expect(gold.features.get('ctx:fknn')).toBeCloseTo(1, 6);
    expect(gold.features.get('ctx:fknn_share')).toBeCloseTo(1, 6);
    expect(kept.ranking.exchange?.matched).toBe(11);
    expect(kept.ranking.answerFeatures.get('fu_knn_ans')).toBeCloseTo(1, 6);
    // As committed (RANKER_READS_EXCHANGES off), the reranker is trained without them.
    const committed = prepareRankerData(train, engine.index);
    for (const it of committed.items) expect(it.candidates.some((c) => [...c.features.keys()].some((k) => k.startsWith('ctx:fknn')))).toBe(false);
    // A first turn has no exchange evidence.
    const first = items.find((it) => it.id.endsWith('#1'))!;
    expect(first.ranking.exchange).toBeUndefined();
    expect(first.ranking.answerFeatures.has('fu_knn_ans')).toBe(false);
  });

  it('the follow-up models are fitted apart with the earlier exchanges; the question models are exactly those fitted without them', () => {
    const train: CorpusMessage[] = [];
    for (let i = 0; i < 8; i++) {
      train.push(
        msg(`v${i}-1`, `v${i}`, {
          kind: 'followup',
          turns: [
            { message: i % 2 ? 'who chairs the DSP meeting' : 'who is the partnership chair', gold: [CHAIR] },
            i % 3 ? { message: 'and until when', gold: [CHAIR], facts: ['2024-2026'] } : { message: 'whats her direct phone number', out_of_scope: true, near: 'chair contact' },
          ],
        }),
        msg(`v${i}-2`, `v${i}`, { message: i % 2 ? 'who chairs the delegated safeguarding partners meeting?' : 'who runs the DSP meetings', gold: [CHAIR] }),
        msg(`v${i}-3`, `v${i}`, { kind: 'out_of_scope', message: 'what is the chair of the partnership paid?', near: 'partnership chair' }),
      );
    }
    const both = trainRankerWithFollowUps(train, engine.index, 'h');
    const { followUp, ...questions } = both.artefact;
    expect(questions).toEqual(trainRanker(train, engine.index, 'h', false).artefact);
    const joint = trainRanker(train, engine.index, 'h', true);
    const choice = joint.followUpChoice!;
    expect(followUp).toEqual({ reranker: joint.artefact.reranker, answerability: joint.artefact.answerability, answer: choice.answer, minCover: choice.minCover });
    expect(FOLLOW_UP_FLOORS).toContain(choice.minCover);
    expect(Object.keys(followUp!.reranker.weights)).toContain('ctx:fknn');
    expect(Object.keys(questions.reranker.weights)).not.toContain('ctx:fknn');
    expect(featuresRead(followUp!.answerability)).toContain('fu_knn_ans');
    expect(isBoosted(questions.answerability)).toBe(ANSWER_MODEL === 'boosted');
    // With boosted trees for the questions' answer model (`--answer-model boosted`), the follow-up half stays
    // linear and is the same as with the linear one; the ranker judges a question by the trees.
    const trees = trainRankerWithFollowUps(train, engine.index, 'h', 'boosted').artefact;
    expect(isBoosted(trees.answerability)).toBe(true);
    expect(featuresRead(trees.answerability).length).toBeGreaterThan(0);
    expect(trees.followUp).toEqual(followUp);
    expect(trees.reranker).toEqual(questions.reranker);
    const ranked = new Ranker(engine.index, undefined, trees).rank('who chairs the delegated safeguarding partners meeting?');
    expect(ranked.confidence).toBeCloseTo(predictBoosted(trees.answerability as BoostedModelJson, ranked.answerFeatures)[1], 12);
  });

  it("chooses the follow-ups' cover floor with their threshold, by the stated cost", () => {
    // Confident follow-ups that share few words with their passage: right ones argue for no floor, out-of-scope ones for it.
    const base = [
      ...Array.from({ length: 40 }, (_, i) => ({ p: 0.9, answerable: true, correct: true, cover: 0.5 + i / 100 })),
      ...Array.from({ length: 20 }, () => ({ p: 0.2, answerable: false, correct: false, cover: 0.4 })),
    ];
    const lowRight = Array.from({ length: 10 }, () => ({ p: 0.9, answerable: true, correct: true, cover: 0.02 }));
    const lowOos = Array.from({ length: 10 }, () => ({ p: 0.9, answerable: false, correct: false, cover: 0.02 }));
    expect(chooseFollowUpFloor([...base, ...lowRight]).minCover).toBe(0);
    const guarded = chooseFollowUpFloor([...base, ...lowOos]);
    expect(guarded.minCover).toBeGreaterThan(0.02);
    expect(guarded.at.oosDeclined).toBe(1);
    // Nothing under any floor: a tie keeps the first, the hand-set one.
    expect(chooseFollowUpFloor(base).minCover).toBe(FOLLOW_UP_FLOORS[0]);
  });
});
