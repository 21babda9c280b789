/**
 * The reranker scores one candidate at a time; what makes a passage the answer is often that it covers the question
 * better than the other candidates do. Each candidate also carries its evidence against the best of its question's
 * candidates (`rel:` its value minus the best, `best:` whether it is the best), and a follow-up's copies of them.
 */
import type { KnowledgeEngine } from '../../../src/knowledge/knowledge-engine';
import { predict } from '../../../src/knowledge/understand/linear-model';
import { bundledGuidanceEngine } from '../../helpers/guidance-engine';

let engine: KnowledgeEngine;
beforeAll(async () => {
  engine = await bundledGuidanceEngine();
});

describe('relative reranker features', () => {
  it("reads each candidate's coverage against the best candidate of the same question", () => {
    const r = engine.ranker.rank('how often do the lead safeguarding partners meet?');
    expect(r.candidates.length).toBeGreaterThan(3);
    for (const name of ['cov_any', 'cov_own', 'bm25']) {
      const best = Math.max(...r.candidates.map((c) => c.features.get(name) ?? 0));
      for (const c of r.candidates) {
        const v = c.features.get(name) ?? 0;
        expect(c.features.get(`rel:${name}`)).toBeCloseTo(v - best, 9);
        expect(c.features.get(`best:${name}`) === 1).toBe(v >= best - 1e-9 && best > 0);
      }
      expect(r.candidates.some((c) => c.features.get(`best:${name}`) === 1)).toBe(true);
    }
    // A question on its own has no follow-up copies, and no follow-up coverage to compare.
    for (const c of r.candidates) expect([...c.features.keys()].filter((k) => k.startsWith('fu:') || k.includes('ctx:'))).toEqual([]);
  });

  it("compares a follow-up's own words across candidates, and learns it apart for follow-ups", () => {
    const first = engine.converse('how many subgroups does the partnership have?');
    const ctx = first.context!;
    const q = engine.ranker.query('which one deals with exploitation?', ctx.question);
    const r = engine.ranker.rank('which one deals with exploitation?', undefined, q, ctx.chunkIds);
    const turns = r.candidates.map((c) => c.features.get('ctx:turn_cov') ?? 0);
    const best = Math.max(...turns);
    expect(best).toBeGreaterThan(0);
    r.candidates.forEach((c, i) => {
      expect(c.features.get('rel:ctx:turn_cov')).toBeCloseTo(turns[i] - best, 9);
      expect(c.features.get('fu:rel:cov_any')).toBe(c.features.get('rel:cov_any'));
    });
  });

  it('the committed reranker has learned weights for them, and being the best covering candidate counts for it', () => {
    const model = engine.ranker.artefact!.reranker;
    const keys = Object.keys(model.weights);
    expect(keys).toEqual(expect.arrayContaining(['rel:cov_any', 'best:cov_any', 'rel:ctx:turn_cov', 'fu:rel:cov_own']));
    const r = engine.ranker.rank('how often do the lead safeguarding partners meet?');
    const top = r.candidates.find((c) => c.features.get('best:cov_any') === 1)!;
    // The same candidate, were another candidate to cover the question better, scores lower.
    const worse = new Map(top.features);
    worse.delete('best:cov_any');
    worse.set('rel:cov_any', -0.3);
    expect(predict(model, top.features)[1]).toBeGreaterThan(predict(model, worse)[1]);
  });
});
