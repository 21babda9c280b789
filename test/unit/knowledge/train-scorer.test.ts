/**
 * The reranker's trainer: a logistic score per candidate (so the score stays a probability the answer model and
 * the thresholds can read) plus a listwise term over each question's candidates (which only cares which comes
 * first).
 */
import { predict, prng, trainScorer, type RankGroup } from '../../../src/knowledge/understand/linear-model';

/**
 * Questions of two kinds that want opposite things. Four in five have two candidates, and the answer is the
 * one that shares the question's words ("match"); one in five has forty, and the answer is the one whose
 * heading matches ("head") while the 39 others share the words. Counted by candidate (logistic alone), the
 * second kind outweighs the first (39 wrong "match" candidates each) and "head" wins, so four questions in
 * five get the wrong passage first; read question by question (the listwise term), "match" wins.
 */
function groups(n: number, seed: number): RankGroup[] {
  const rand = prng(seed);
  return Array.from({ length: n }, () => {
    const few = rand() < 0.8;
    const n = few ? 2 : 40;
    const at = Math.floor(rand() * n);
    const xs = Array.from({ length: n }, (_, c) => {
      const answer = c === at;
      const byMatch = few ? answer : !answer;
      return new Map<string, number>([
        ['match', byMatch ? 1 : 0],
        ['head', byMatch ? 0 : 1],
        ['noise', rand()],
      ]);
    });
    return { xs, gold: xs.map((_, c) => c === at) };
  });
}

/** Share of questions whose answer scores strictly above every other candidate (a tie is not right). */
const firstRight = (model: ReturnType<typeof trainScorer>, list: RankGroup[]) =>
  list.filter((g) => {
    const p = g.xs.map((x) => predict(model, x)[1]);
    const best = Math.max(...p);
    return p.filter((v) => v === best).length === 1 && g.gold[p.indexOf(best)];
  }).length / list.length;

describe('trainScorer', () => {
  const train = groups(600, 1);
  const test = groups(400, 2);

  it('without the listwise term is a calibrated logistic score', () => {
    const m = trainScorer(train, { listWeight: 0, epochs: 30 });
    const all = train.flatMap((g) => g.xs.map((x, c) => ({ p: predict(m, x)[1], y: g.gold[c] ? 1 : 0 })));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(all.map((e) => e.p))).toBeCloseTo(mean(all.map((e) => e.y)), 1);
    expect(m.classes).toEqual(['other', 'answers']);
  });

  it('with it, one question with many candidates does not outweigh many with few, and it still scores like a probability', () => {
    const pointwise = trainScorer(train, { listWeight: 0, epochs: 30 });
    const listwise = trainScorer(train, { listWeight: 30, epochs: 30 });
    expect(firstRight(pointwise, test)).toBeLessThan(0.3);
    expect(firstRight(listwise, test)).toBeGreaterThan(0.7);
    for (const g of test.slice(0, 20))
      for (const x of g.xs) {
        const p = predict(listwise, x)[1];
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
      }
  });
});
