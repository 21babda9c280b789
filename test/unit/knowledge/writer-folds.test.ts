/**
 * Out-of-fold scores are computed in folds of writers: every writer's items fall in one fold, so no model scores
 * wording from a writer it was fitted on — one writer at a time by default (the committed models), or writers
 * dealt evenly into fewer folds for faster trials (`npm run train -- --folds N`).
 */
import { outOfFold, useWriterFolds, writerFolds } from '../../../src/knowledge/understand/train';

const writers = Array.from({ length: 37 }, (_, i) => `w${String(i).padStart(2, '0')}`);
const items = writers.flatMap((writer, i) => Array.from({ length: 1 + (i % 4) }, (_, j) => ({ writer, id: `${writer}-${j}` })));

/** Each item's writer is unseen by the model that scores it; returns the models fitted (as sets of writers). */
function fitsAndCheck(): Set<string>[] {
  const fitted: Set<string>[] = [];
  const seen = outOfFold(
    items,
    (train) => {
      const model = new Set(train.map((t) => t.writer));
      fitted.push(model);
      return model;
    },
    (model, it) => model.has(it.writer),
  );
  expect(seen).toHaveLength(items.length);
  expect(seen.every((s) => s === false)).toBe(true);
  return fitted;
}

describe('writer folds', () => {
  afterEach(() => useWriterFolds(Number.POSITIVE_INFINITY));

  it('holds out one writer at a time by default', () => {
    const { fold, k } = writerFolds(['b', 'a', 'b', 'c']);
    expect({ fold, k }).toEqual({ fold: [1, 0, 1, 2], k: 3 });
    const fitted = fitsAndCheck();
    expect(fitted).toHaveLength(writers.length);
    for (const model of fitted) expect(model.size).toBe(writers.length - 1);
  });

  it('deals writers into fewer folds when asked: each writer in exactly one, sizes within one writer', () => {
    const { fold, k } = writerFolds(items.map((it) => it.writer), 10);
    expect(k).toBe(10);
    const foldsOf = new Map<string, Set<number>>();
    items.forEach((it, i) => foldsOf.set(it.writer, (foldsOf.get(it.writer) ?? new Set()).add(fold[i])));
    for (const set of foldsOf.values()) expect(set.size).toBe(1);
    const sizes = Array.from({ length: k }, (_, f) => writers.filter((w) => foldsOf.get(w)!.has(f)).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    // Never more folds than writers.
    expect(writerFolds(['a', 'b'], 10).k).toBe(2);
  });

  it('uses the folds set for the process in every out-of-fold fit, each model still blind to its fold', () => {
    useWriterFolds(10);
    const fitted = fitsAndCheck();
    expect(fitted).toHaveLength(10);
    for (const model of fitted) expect(model.size).toBeGreaterThanOrEqual(writers.length - Math.ceil(writers.length / 10));
  });

  it('refuses a fold count that cannot hold writers out, and keeps the one set before', () => {
    useWriterFolds(10);
    for (const bad of [0, 1, 2.5, -3, Number.NaN]) {
      expect(() => useWriterFolds(bad)).toThrow(/at least 2/);
      expect(() => writerFolds(['a', 'b'], bad)).toThrow(/at least 2/);
    }
    expect(writerFolds(items.map((it) => it.writer)).k).toBe(10);
  });
});
