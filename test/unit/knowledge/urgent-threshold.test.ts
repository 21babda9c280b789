/**
 * The urgent threshold, chosen on out-of-fold scores: recall first (the score of the second-lowest urgent message,
 * so every training urgent message but the single lowest reaches it), and lower still while the false-alarm budget
 * (3 % of non-urgent messages since the twenty-second session; 2 % before) is not spent — so a few low-scoring urgent messages moving the recall point do not
 * cost recall.
 */
import { recallFirstThreshold, URGENT_FALSE_ALARM_BUDGET } from '../../../src/knowledge/understand/train';

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
/** The scores in a fixed shuffled order, so a rule that forgot to sort them would not pass. */
const shuffled = (xs: number[]) => xs.map((x, i) => ({ x, k: (i * 7919) % 1009 })).sort((a, b) => a.k - b.k).map((e) => e.x);

describe('urgent threshold', () => {
  it('spends a false-alarm allowance of 3 % of non-urgent messages (README Quality, twenty-second session)', () => {
    expect(URGENT_FALSE_ALARM_BUDGET).toBe(0.03);
  });

  it('keeps every urgent message but the lowest one, whatever the false alarms cost', () => {
    // 1,000 urgent messages scoring 0.5–1.0, one outlier at 0.05 and one at 0.1; a fifth of the non-urgent
    // messages score between 0.1 and 0.2, far beyond the budget: the threshold still keeps the 0.1 one.
    const pos = shuffled([...range(1000, (i) => 0.5 + i / 2000), 0.1, 0.05]);
    const neg = range(2000, (i) => (i < 400 ? 0.1 + i / 4000 : (0.1 * i) / 2000));
    const r = recallFirstThreshold(pos, neg);
    expect(r.threshold).toBeCloseTo(0.1, 6);
    expect(r.recall).toBeCloseTo(1001 / 1002, 6);
    expect(r.falsePositiveRate).toBeGreaterThan(URGENT_FALSE_ALARM_BUDGET);
  });

  it('spends the unspent false-alarm budget on recall', () => {
    // 1,000 urgent messages scoring 0.5–1.0 (recall point 0.5005); non-urgent scores 0–0.3, so the recall point
    // flags none of them.
    const pos = range(1000, (i) => 0.5 + i / 2000);
    const neg = range(2000, (i) => (0.3 * i) / 2000);
    const r = recallFirstThreshold(pos, neg);
    expect(r.threshold).toBeLessThan(0.5);
    expect(r.falsePositiveRate).toBeCloseTo(URGENT_FALSE_ALARM_BUDGET, 3);
    expect(r.recall).toBe(1);
  });

  it('can be told to keep every urgent message, or to allow a margin below the recall point', () => {
    const pos = shuffled([...range(1000, (i) => 0.5 + i / 2000), 0.1, 0.05]);
    // Non-urgent scores all high, so the budget never lowers the recall point here.
    const neg = range(2000, () => 0.9);
    expect(recallFirstThreshold(pos, neg, 0).threshold).toBeCloseTo(0.05, 6);
    expect(recallFirstThreshold(pos, neg, 0, 0.8).threshold).toBeCloseTo(0.04, 6);
    expect(recallFirstThreshold(pos, neg, 0).recall).toBe(1);
    expect(recallFirstThreshold(pos, neg, 2).threshold).toBeCloseTo(0.5, 6);
  });

  it('uses the highest score when asked to leave out as many as there are, and refuses a count that is not one', () => {
    const neg = range(100, () => 0.9);
    expect(recallFirstThreshold([0.3, 0.2], neg, 5).threshold).toBeCloseTo(0.3, 6);
    expect(() => recallFirstThreshold([0.3, 0.2], neg, -1)).toThrow(/whole number/);
    expect(() => recallFirstThreshold([0.3, 0.2], neg, 0.5)).toThrow(/whole number/);
  });
});
