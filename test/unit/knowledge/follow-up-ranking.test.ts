/**
 * A follow-up is ranked against the previous answer's passages: the two passages after them join the candidates,
 * marked for the reranker, and a question that asks what comes next is marked too.
 */
import type { KnowledgeEngine } from '../../../src/knowledge/knowledge-engine';
import { predict } from '../../../src/knowledge/understand/linear-model';
import { predictBinary } from '../../../src/knowledge/understand/boosted-trees';
import { defaultCorpusDir, loadCorpus } from '../../../src/knowledge/understand/corpus';
import { bundledGuidanceEngine, norm } from '../../helpers/guidance-engine';
import { languageModels } from '../../../src/knowledge/understand/language-model';
import { unitContext, unitScores } from '../../../src/knowledge/answer/unit-model';
import { unitsOf } from '../../../src/knowledge/answer/units';
import * as path from 'node:path';

let engine: KnowledgeEngine;
beforeAll(async () => {
  engine = await bundledGuidanceEngine();
});

/** A passage of the arrangements followed by two more of the same document. */
function contextAndNext(): { ctx: string; next: string[] } {
  const { index } = engine;
  const list = index.byDoc.get(index.chunks.find((c) => /arrangements/i.test(c.title))!.docId)!;
  const at = Math.floor(list.length / 2);
  return { ctx: index.chunks[list[at]].id, next: [index.chunks[list[at + 1]].id, index.chunks[list[at + 2]].id] };
}

describe('follow-up ranking', () => {
  it('puts the two passages after the previous answer among the candidates, whatever words they share', () => {
    const { ctx, next } = contextAndNext();
    const r = engine.ranker.rank('zzz qqq?', undefined, undefined, [ctx]);
    const byId = new Map(r.candidates.map((c) => [c.chunk.id, c]));
    for (const id of next) {
      expect(byId.get(id)?.features.get('ctx:after')).toBe(1);
      expect(byId.get(id)?.features.has('ctx:after&next')).toBe(false);
    }
    expect(byId.get(ctx)?.features.get('ctx:same')).toBe(1);
    expect(byId.get(ctx)?.features.has('ctx:after')).toBe(false);
  });

  it('marks a question that asks what comes next, and only with context', () => {
    const { ctx, next } = contextAndNext();
    for (const q of ['ok and what happens after that?', 'what is the next step', 'then what?']) {
      const r = engine.ranker.rank(q, undefined, undefined, [ctx]);
      const c = r.candidates.find((x) => x.chunk.id === next[0]);
      expect({ q, next: c?.features.get('ctx:after&next') }).toEqual({ q, next: 1 });
    }
    const alone = engine.ranker.rank('what happens after that?');
    for (const c of alone.candidates) expect([...c.features.keys()].filter((k) => k.startsWith('ctx:'))).toEqual([]);
  });

  it("reads how much of the follow-up's own words each passage covers, apart from the previous question's", () => {
    const { ctx } = contextAndNext();
    const { index } = engine;
    const prev = index.chunks.find((c) => c.id === ctx)!;
    // The follow-up's query carries the previous question's words at a lower weight; the passage just quoted covers
    // those, so only the new words tell whether it answers now.
    const q = engine.ranker.query('zzz qqq?', prev.text.split(/\s+/).slice(0, 12).join(' '));
    const r = engine.ranker.rank('zzz qqq?', undefined, q, [ctx]);
    const same = r.candidates.find((c) => c.chunk.id === ctx)!;
    expect(same.features.get('cov_any')).toBeGreaterThan(0);
    expect(same.features.get('ctx:turn_cov')).toBe(0);
    expect(same.features.get('ctx:same&turn_cov')).toBe(0);
    // Every feature is there again for follow-ups (learned apart), and never for a question on its own.
    expect(same.features.get('fu:cov_any')).toBe(same.features.get('cov_any'));
    expect([...same.features.keys()].some((k) => k.startsWith('fu:ctx:'))).toBe(false);
    const alone = engine.ranker.rank(prev.text.split(/\s+/).slice(0, 12).join(' '));
    for (const c of alone.candidates) expect([...c.features.keys()].filter((k) => k.startsWith('fu:') || k.startsWith('ctx:'))).toEqual([]);
    // And a follow-up whose own words the passage holds covers them.
    const own = prev.text.split(/\s+/).filter((w) => /^[a-z]{6,}$/i.test(w)).slice(0, 3).join(' ');
    const r2 = engine.ranker.rank(`and ${own}?`, undefined, engine.ranker.query(`and ${own}?`, 'zzz'), [ctx]);
    expect(r2.candidates.find((c) => c.chunk.id === ctx)!.features.get('ctx:turn_cov')).toBeGreaterThan(0.5);
  });

  it('the committed follow-up reranker has learned weights for the new features', () => {
    const r = engine.ranker.rank('and what happens after that?', undefined, undefined, [contextAndNext().ctx]);
    const after = r.candidates.find((c) => c.features.get('ctx:after&next'));
    const without = new Map([...after!.features].filter(([k]) => k !== 'ctx:after' && k !== 'ctx:after&next'));
    // The same candidate without the two features scores lower: the model uses them, in the direction the data gave.
    const model = engine.ranker.artefact!.followUp!.reranker;
    expect(predict(model, after!.features)[1]).toBeGreaterThan(predict(model, without)[1]);
    // Follow-ups have weights of their own: the own-words coverage, copies of the question features, and the
    // earlier follow-ups asked after the same passage.
    const keys = Object.keys(model.weights);
    expect(keys).toEqual(expect.arrayContaining(['ctx:turn_cov', 'fu:cov_any', 'fu:stage1_rr', 'ctx:fknn', 'ctx:fknn_share']));
  });

  it('a follow-up whose best passage is the one just quoted is not just the previous answer again while another passage may answer', () => {
    const exchanges = loadCorpus(defaultCorpusDir(path.join(__dirname, '..', '..', '..'))).messages.filter((m) => m.kind === 'followup' && m.leans !== false);
    const cited = (r: { answer: string; sources: { chunkId: string }[] }) => [...new Set([...r.answer.matchAll(/\[(\d)\]/g)].map((x) => r.sources[Number(x[1]) - 1].chunkId))];
    let repeated = 0;
    for (const m of exchanges.slice(0, 120)) {
      const first = engine.converse(m.turns![0].message);
      const second = engine.converse(m.turns![1].message, first.context as never);
      const before = cited(first.result);
      const now = cited(second.result);
      if (second.result.notFound || !now.length || !before.includes(now[0])) continue;
      repeated++;
      // Not just the previous answer again when another passage has some chance of answering: a passage not yet
      // shown is quoted too, or other sentences of the one shown.
      if (!second.result.sources.some((s) => !before.includes(s.chunkId) && s.score >= 0.1)) continue;
      const body = (a: string) => a.replace(/\s*\[\d\]/g, '').split('\n').filter((l) => !l.startsWith('From the '));
      const fresh = now.some((id) => !before.includes(id)) || body(second.result.answer).some((l) => !body(first.result.answer).includes(l));
      expect({ id: m.id, fresh }).toEqual({ id: m.id, fresh: true });
    }
    expect(repeated).toBeGreaterThan(5);
  });
});

describe('answering a follow-up', () => {
  it('uses the follow-ups\' own models and answer threshold when read with the previous answer, the questions\' otherwise', () => {
    const artefact = engine.ranker.artefact!;
    const th = artefact.thresholds;
    const own = artefact.followUp!;
    const saved = { ...th, own: own.answer, minCover: own.minCover };
    const { ctx } = contextAndNext();
    const question = 'and how often do they meet?';
    try {
      const r = engine.ranker.rank(question, undefined, undefined, [ctx]);
      // Judged by the follow-up answer model, ranked by the follow-up reranker.
      expect(r.confidence).toBeCloseTo(predictBinary(own.answerability, r.answerFeatures)[1], 12);
      for (const c of r.candidates) expect(c.p).toBeCloseTo(predict(own.reranker, c.features)[1], 12);
      const alone = engine.ranker.rank(question);
      expect(alone.confidence).toBeCloseTo(predictBinary(artefact.answerability, alone.answerFeatures)[1], 12);
      for (const c of alone.candidates) expect(c.p).toBeCloseTo(predict(artefact.reranker, c.features)[1], 12);
      const confidence = r.confidence;
      // Only the follow-up threshold sits below this confidence: the follow-up is answered, the same words alone are not.
      Object.assign(th, { answer: 1.01, closest: 0, followUp: 1.01 });
      own.answer = Math.max(0, confidence - 0.01);
      expect(engine.ranker.rank(question, undefined, undefined, [ctx]).outcome).toBe('answer');
      expect(engine.ranker.rank(question).outcome).not.toBe('answer');
      // Above it, the follow-up is declined ("the closest I found") however low the questions' thresholds.
      Object.assign(th, { answer: 0, followUp: 0 });
      own.answer = Math.min(1, confidence + 0.01);
      expect(engine.ranker.rank(question, undefined, undefined, [ctx]).outcome).toBe('closest');
      // The follow-ups' own cover floor: above the best passage's cover, nothing is shown however confident the model.
      own.answer = 0;
      const cover = r.candidates[0].features.get('cov_any')!;
      own.minCover = cover + 0.01;
      expect(engine.ranker.rank(question, undefined, undefined, [ctx]).outcome).toBe('none');
      own.minCover = cover;
      expect(engine.ranker.rank(question, undefined, undefined, [ctx]).outcome).toBe('answer');
    } finally {
      own.minCover = saved.minCover;
      if (saved.minCover === undefined) delete own.minCover;
      own.answer = saved.own;
      Object.assign(th, { answer: saved.answer, closest: saved.closest, followUp: saved.followUp });
      if (saved.followUp === undefined) delete th.followUp;
    }
  });

  it('declines a follow-up that asks what the guidance does not give, and answers one it gives', () => {
    const first = engine.converse('who chairs the delegated safeguarding partners meeting?');
    expect(first.result.notFound).toBe(false);
    const phone = engine.converse('whats her direct phone number?', first.context as never).result;
    expect(phone.notFound).toBe(true);
    const until = engine.converse('and until when?', first.context as never).result;
    expect(until.notFound).toBe(false);
    expect(until.answer.slice(0, 800)).toContain('2024-2026');
  });
});

describe('where earlier askers found their answer (the sentence model)', () => {
  it('a follow-up reads the earlier follow-ups asked after the same passage; its own models read them, the question models never', () => {
    const texts = engine.index.chunks.map((c) => norm(c.text));
    const holding = (g: string[]) => texts.flatMap((t, i) => (g.some((s) => t.includes(norm(s))) ? [i] : []));
    const m = loadCorpus(defaultCorpusDir(path.join(__dirname, '..', '..', '..'))).messages.find((x) => x.split === 'train' && x.kind === 'followup' && x.turns?.[1]?.gold?.length && x.leans !== false)!;
    const [t1, t2] = m.turns!;
    const ctx = holding(t1.gold!).map((d) => engine.index.chunks[d].id);
    const r = engine.ranker.rank(t2.message, undefined, engine.ranker.query(t2.message, t1.message), ctx);
    expect(r.exchange?.matched).toBeGreaterThan(0);
    // The exchange itself is in the committed models, so its own marked answer is among the snippets of its passage.
    const gold2 = holding(t2.gold!);
    expect(gold2.some((d) => r.exchange!.snippetsOf(d).some(([g, sim]) => t2.gold!.map(norm).includes(g) && sim > 0.99))).toBe(true);
    // The follow-up models read them: the passage that answered the exchange is marked, and so is the answer decision.
    const marked = r.candidates.filter((c) => (c.features.get('ctx:fknn') ?? 0) > 0.99).map((c) => c.d);
    expect(marked.some((d) => gold2.includes(d))).toBe(true);
    expect(r.answerFeatures.get('fu_knn_ans')).toBeGreaterThan(0.99);
    // The same words asked on their own have no exchange evidence, and nothing of it reaches the question models.
    const alone = engine.ranker.rank(t2.message);
    expect(alone.exchange).toBeUndefined();
    for (const c of alone.candidates) expect([...c.features.keys()].filter((k) => k.startsWith('ctx:'))).toEqual([]);
    expect(alone.answerFeatures.has('fu_knn_ans')).toBe(false);
  });

  it('the committed sentence model has learned to prefer the sentence where earlier askers found their answer', () => {
    const model = languageModels().units!.model;
    const w = (k: string) => model.weights[k]?.[1] ?? 0;
    expect(w('knn_unit') + w('knn_unit_best')).toBeGreaterThan(0);
    const chunk = engine.index.chunks.find((c) => c.text.split('\n').length >= 3)!;
    const units = unitsOf(chunk);
    const base = unitContext(engine.ranker.query('zzz'), units.map(() => 1), engine.index);
    const plain = unitScores(units, base, new Set(), model);
    const hinted = unitScores(units, { ...base, hints: units.map((_, i) => (i === 1 ? 0.9 : 0)) }, new Set(), model);
    expect(hinted[1]).toBeGreaterThan(plain[1]);
    expect(hinted[1] - plain[1]).toBeGreaterThan(Math.max(...hinted.map((h, i) => (i === 1 ? 0 : h - plain[i]))));
  });
});
