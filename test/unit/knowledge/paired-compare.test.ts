/**
 * The paired comparison of two models' held-back failures (scripts/studies/paired-compare.ts): failure lines of
 * `eval:corpus --misses` sorted into kinds by message id, and the exact sign test on the messages where two models
 * differ.
 */
import { failures, holm, signTest } from '../../../scripts/studies/paired-compare';

describe('paired comparison of two models', () => {
  it('sorts eval:corpus failure lines into kinds, an answerable line into each failure it reports', () => {
    const f = failures([
      '  a-1 urgent missed [weapon]: …',
      '  a-2 false urgent [topic]: …',
      '  a-10 false urgent [followup]: … → …',
      '  a-3 question routed to training [answerable]: …',
      '  a-4 intent none (offered subscribe) != subscribe: …',
      '  a-5 answerable rank=2 facts=0/1 NOT-FOUND: …',
      '  a-6 answerable rank=0 facts=1/2: …',
      '  a-7 out-of-scope answered: …',
      '  a-8 followup rank=-1 NOT-FOUND: … → …',
      '  a-9 followup out-of-scope answered: … → …',
    ]);
    expect(f.get('urgent missed')).toEqual(new Set(['a-1']));
    expect(f.get('non-urgent flagged')).toEqual(new Set(['a-2', 'a-10']));
    expect(f.get('question routed to a command')).toEqual(new Set(['a-3']));
    expect(f.get('command not routed')).toEqual(new Set(['a-4']));
    expect(f.get('answerable refused')).toEqual(new Set(['a-5']));
    expect(f.get('right passage not first')).toEqual(new Set(['a-5']));
    expect(f.get('facts missing')).toEqual(new Set(['a-5', 'a-6']));
    expect(f.get('near miss answered')).toEqual(new Set(['a-7']));
    expect(f.get('follow-up not right')).toEqual(new Set(['a-8']));
    expect(f.get('out-of-scope follow-up answered')).toEqual(new Set(['a-9']));
  });

  it('gives the exact two-sided sign test', () => {
    expect(signTest(0, 0)).toBe(1);
    expect(signTest(3, 3)).toBe(1);
    expect(signTest(0, 5)).toBeCloseTo(2 / 32, 10);
    expect(signTest(6, 2)).toBeCloseTo((2 * (1 + 8 + 28)) / 256, 10);
    expect(signTest(1, 9)).toBeCloseTo(signTest(9, 1), 12);
    // Past 1,023 differing messages 2^n overflows a double; the log-space sum does not.
    expect(signTest(600, 600)).toBeCloseTo(1, 6);
    const p = signTest(480, 520);
    expect(p).toBeGreaterThan(0.2);
    expect(p).toBeLessThan(0.25);
    expect(signTest(0, 2000)).toBe(0);
  });

  it('adjusts several p-values by Holm\'s step-down method, in the order given', () => {
    // Sorted 0.01, 0.02, 0.04, 0.5 → ×4, ×3, ×2, ×1 = 0.04, 0.06, 0.08, 0.5 (each at least the one before).
    const adj = holm([0.04, 0.5, 0.01, 0.02]);
    [0.08, 0.5, 0.04, 0.06].forEach((want, i) => expect(adj[i]).toBeCloseTo(want, 12));
    // Monotone: a larger p never gets a smaller adjusted value; capped at 1.
    holm([0.3, 0.01, 0.3]).forEach((p, i) => expect(p).toBeCloseTo([0.6, 0.03, 0.6][i], 12));
    expect(holm([0.9, 0.8])).toEqual([1, 1]);
    expect(holm([0.9, 0.2])).toEqual([0.9, 0.4]);
    expect(holm([])).toEqual([]);
  });
});
