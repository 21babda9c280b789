import { predict, trainLinear, type TrainExample } from '../../../src/knowledge/understand/linear-model';
import { featuresRead, isBoosted, predictBinary, predictBoosted, trainBoosted } from '../../../src/knowledge/understand/boosted-trees';

/** "asks a phone number" matters only with "the passage holds one": an interaction a linear model cannot add up. */
function interactionData(): TrainExample[] {
  const out: TrainExample[] = [];
  for (let i = 0; i < 400; i++) {
    const asks = i % 2;
    const holds = Math.floor(i / 2) % 2;
    const noise = (i * 37) % 11 / 10;
    const x = new Map<string, number>([['noise', noise]]);
    if (asks) x.set('asks', 1);
    if (holds) x.set('holds', 1);
    out.push({ x, y: asks === holds ? 1 : 0 });
  }
  return out;
}

describe('boosted trees', () => {
  test('learn an interaction the linear model cannot', () => {
    const data = interactionData();
    const trees = trainBoosted(['no', 'yes'], data, { trees: 50, depth: 2, learningRate: 0.3 });
    const linear = trainLinear(['no', 'yes'], data, { epochs: 40, learningRate: 0.2 });
    const acc = (p: (x: Map<string, number>) => number) => data.filter((e) => (p(e.x) >= 0.5 ? 1 : 0) === e.y).length / data.length;
    expect(acc((x) => predictBoosted(trees, x)[1])).toBe(1);
    expect(acc((x) => predict(linear, x)[1])).toBeLessThan(0.8);
  });

  test('weights move the decision and training is deterministic', () => {
    const x = new Map([['f', 1]]);
    const data: TrainExample[] = [
      { x, y: 1, weight: 1 },
      { x, y: 0, weight: 9 },
      { x: new Map(), y: 1 },
    ];
    const a = trainBoosted(['no', 'yes'], data, { trees: 30, depth: 1, minLeaf: 0.01, lambda: 0.1 });
    expect(predictBoosted(a, x)[1]).toBeLessThan(0.2);
    const heavier = trainBoosted(['no', 'yes'], data.map((e, i) => (i === 0 ? { ...e, weight: 90 } : e)), { trees: 30, depth: 1, minLeaf: 0.01, lambda: 0.1 });
    expect(predictBoosted(heavier, x)[1]).toBeGreaterThan(0.8);
    expect(JSON.stringify(trainBoosted(['no', 'yes'], data, { trees: 30, depth: 1, minLeaf: 0.01, lambda: 0.1 }))).toBe(JSON.stringify(a));
  });

  test('an absent feature counts as 0, and probabilities sum to 1', () => {
    const data: TrainExample[] = [];
    for (let i = 0; i < 100; i++) data.push({ x: new Map(i % 2 ? [['f', 2]] : [['f', 0]]), y: i % 2 });
    const m = trainBoosted(['no', 'yes'], data, { trees: 20, depth: 1, learningRate: 0.5 });
    const [no, yes] = predictBoosted(m, new Map());
    expect(no + yes).toBeCloseTo(1, 12);
    expect(yes).toBeCloseTo(predictBoosted(m, new Map([['f', 0]]))[1], 12);
    expect(yes).toBeLessThan(0.1);
    expect(predictBoosted(m, new Map([['f', 2]]))[1]).toBeGreaterThan(0.9);
  });
});

describe('a boosted model as stored', () => {
  test('reloaded from JSON it predicts as before, and a value exactly on a split point goes left as in training', () => {
    const data: TrainExample[] = [];
    for (let i = 0; i < 200; i++) data.push({ x: new Map([['v', i % 4]]), y: i % 4 >= 2 ? 1 : 0 });
    const m = trainBoosted(['no', 'yes'], data, { trees: 20, depth: 1, learningRate: 0.5 });
    const again = JSON.parse(JSON.stringify(m)) as typeof m;
    for (const v of [0, 1, 1.5, 2, 3, 7]) expect(predictBoosted(again, new Map([['v', v]]))).toEqual(predictBoosted(m, new Map([['v', v]])));
    // The first split falls between 1 and 2 (at 1.5): 1.5 itself is on the left, with the values the model saw there.
    const first = m.trees[0] as { f: number; t: number };
    expect(first.t).toBe(1.5);
    expect(predictBoosted(m, new Map([['v', 1.5]]))[1]).toBeCloseTo(predictBoosted(m, new Map([['v', 1]]))[1], 12);
    expect(predictBoosted(m, new Map([['v', 1.5]]))[1]).toBeLessThan(0.2);
  });

  test('refuses more split points than it can store', () => {
    expect(() => trainBoosted(['no', 'yes'], [{ x: new Map([['v', 1]]), y: 1 }], { bins: 256 })).toThrow(/bins/);
  });
});

describe('either kind of two-class model', () => {
  test('predictBinary reads a linear model as predict does, and featuresRead names what each reads', () => {
    const data = interactionData();
    const linear = trainLinear(['no', 'yes'], data, { epochs: 5 });
    const x = data[3].x;
    expect(predictBinary(linear, x)).toEqual(predict(linear, x));
    expect(featuresRead(linear).sort()).toEqual(Object.keys(linear.weights).sort());
    const trees = trainBoosted(['no', 'yes'], data, { trees: 10, depth: 2, learningRate: 0.3 });
    expect(predictBinary(trees, x)).toEqual(predictBoosted(trees, x));
    // The interaction is read from the two features that carry it, never from the noise alone.
    expect(featuresRead(trees)).toEqual(expect.arrayContaining(['asks', 'holds']));
    expect(isBoosted(trees)).toBe(true);
    expect(isBoosted(linear)).toBe(false);
  });
});
