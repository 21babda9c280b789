/**
 * The urgent threshold, chosen on out-of-fold scores: recall first (the score that keeps 99.5 % of urgent
 * messages, lowered by a margin), and lower still while the false-alarm budget (1.5 % of non-urgent messages)
 * is not spent — so a few low-scoring urgent messages moving the recall point do not cost recall.
 */
import { recallFirstThreshold, URGENT_FALSE_ALARM_BUDGET } from '../../../src/knowledge/understand/train';

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe('urgent threshold', () => {
  it('spends the unspent false-alarm budget on recall', () => {
    // 1,000 urgent messages scoring 0.5–1.0 (recall point 0.5 × 0.8 = 0.4); non-urgent scores 0–0.3, so the
    // recall point flags none of them.
    const pos = range(1000, (i) => 0.5 + i / 2000);
    const neg = range(2000, (i) => (0.3 * i) / 2000);
    const r = recallFirstThreshold(pos, neg);
    expect(r.threshold).toBeLessThan(0.4);
    expect(r.falsePositiveRate).toBeCloseTo(URGENT_FALSE_ALARM_BUDGET, 3);
    expect(r.recall).toBe(1);
  });

  it('keeps the recall point when the budget is already spent there', () => {
    const pos = range(1000, (i) => 0.5 + i / 2000);
    // A fifth of the non-urgent messages score above the recall point: recall still decides.
    const neg = range(2000, (i) => (i < 400 ? 0.45 + i / 4000 : (0.3 * i) / 2000));
    const r = recallFirstThreshold(pos, neg);
    expect(r.threshold).toBeCloseTo(0.4, 2);
    expect(r.falsePositiveRate).toBeGreaterThan(URGENT_FALSE_ALARM_BUDGET);
  });
});
