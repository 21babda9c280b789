/**
 * The trainers read features as interned ids in typed arrays (several times faster than a Map lookup per feature
 * per step). The committed artefacts must not change with that: here each trainer is compared with the plain
 * Map-based trainer it replaced (kept below as the reference), on sparse data where features first appear late in
 * an epoch, some examples have no features, weights and per-feature penalties vary, and the same feature
 * objects are trained on twice (as the writer folds do).
 */
import { prng, trainLinear, trainScorer, type Features, type LinearModelJson, type RankGroup, type TrainExample, type TrainOptions } from '../../../src/knowledge/understand/linear-model';

function shuffle(order: number[], rand: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
}

function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** The Map-based trainLinear as it was before the interned ids (the reference). */
function referenceLinear(classes: string[], examples: TrainExample[], opts: TrainOptions = {}): LinearModelJson {
  const K = classes.length;
  const epochs = opts.epochs ?? 30;
  const lr = opts.learningRate ?? 0.3;
  const l2 = opts.l2 ?? 1e-4;
  const rand = prng(opts.seed ?? 7);
  const W = new Map<string, Float64Array>();
  const G = new Map<string, Float64Array>();
  const bias = new Float64Array(K);
  const gBias = new Float64Array(K).fill(1e-8);
  const order = examples.map((_, i) => i);
  const scale = new Map<string, number>();
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffle(order, rand);
    for (const idx of order) {
      const ex = examples[idx];
      const z = Array.from(bias);
      for (const [f, v] of ex.x) {
        const w = W.get(f);
        if (w) for (let k = 0; k < K; k++) z[k] += w[k] * v;
      }
      const p = softmax(z);
      const cw = ex.weight ?? 1;
      for (let k = 0; k < K; k++) {
        const g = cw * (p[k] - (k === ex.y ? 1 : 0));
        gBias[k] += g * g;
        bias[k] -= (lr * g) / Math.sqrt(gBias[k]);
      }
      for (const [f, v] of ex.x) {
        let w = W.get(f);
        let gs = G.get(f);
        if (!w || !gs) {
          w = new Float64Array(K);
          gs = new Float64Array(K).fill(1e-8);
          W.set(f, w);
          G.set(f, gs);
          scale.set(f, opts.l2Scale ? opts.l2Scale(f) : 1);
        }
        const reg = l2 * scale.get(f)!;
        for (let k = 0; k < K; k++) {
          const g = cw * (p[k] - (k === ex.y ? 1 : 0)) * v + reg * w[k];
          gs[k] += g * g;
          w[k] -= (lr * g) / Math.sqrt(gs[k]);
        }
      }
    }
  }
  const prune = opts.prune ?? 1e-3;
  const weights: Record<string, number[]> = {};
  for (const f of [...W.keys()].sort()) {
    const w = W.get(f)!;
    if (Math.max(...Array.from(w, Math.abs)) < prune) continue;
    weights[f] = Array.from(w, (v) => Math.round(v * 1e3) / 1e3);
  }
  return { classes, bias: Array.from(bias, (v) => Math.round(v * 1e4) / 1e4), weights };
}

/** The Map-based trainScorer as it was before the interned ids (the reference). */
function referenceScorer(groups: RankGroup[], opts: TrainOptions & { listWeight?: number } = {}): LinearModelJson {
  const epochs = opts.epochs ?? 20;
  const lr = opts.learningRate ?? 0.2;
  const l2 = opts.l2 ?? 1e-4;
  const listWeight = opts.listWeight ?? 0;
  const rand = prng(opts.seed ?? 7);
  const W = new Map<string, number>();
  const G = new Map<string, number>();
  let bias = 0;
  let gBias = 1e-8;
  const order = groups.map((_, i) => i);
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffle(order, rand);
    for (const gi of order) {
      const { xs, gold, weights } = groups[gi];
      if (!xs.length) continue;
      const z = xs.map((x) => {
        let s = bias;
        for (const [f, v] of x) s += (W.get(f) ?? 0) * v;
        return s;
      });
      const g = z.map((s, c) => (weights?.[c] ?? 1) * (1 / (1 + Math.exp(-s)) - (gold[c] ? 1 : 0)));
      const gb = g.reduce((a, b) => a + b, 0);
      const nGold = gold.filter(Boolean).length;
      if (listWeight && nGold) {
        const m = Math.max(...z);
        const e = z.map((s) => Math.exp(s - m));
        const sum = e.reduce((a, b) => a + b, 0);
        e.forEach((v, c) => (g[c] += listWeight * (v / sum - (gold[c] ? 1 / nGold : 0))));
      }
      gBias += gb * gb;
      bias -= (lr * gb) / Math.sqrt(gBias);
      const grad = new Map<string, number>();
      xs.forEach((x, c) => {
        for (const [f, v] of x) grad.set(f, (grad.get(f) ?? 0) + g[c] * v);
      });
      for (const [f, gf] of grad) {
        const w = W.get(f) ?? 0;
        const d = gf + l2 * xs.length * (opts.l2Scale ? opts.l2Scale(f) : 1) * w;
        const acc = (G.get(f) ?? 1e-8) + d * d;
        G.set(f, acc);
        W.set(f, w - (lr * d) / Math.sqrt(acc));
      }
    }
  }
  const prune = opts.prune ?? 1e-3;
  const out: Record<string, number[]> = {};
  for (const f of [...W.keys()].sort()) {
    const w = W.get(f)!;
    if (Math.abs(w) < prune) continue;
    out[f] = [0, Math.round(w * 1e3) / 1e3];
  }
  return { classes: ['other', 'answers'], bias: [0, Math.round(bias * 1e4) / 1e4], weights: out };
}

/** Sparse features over a vocabulary where rare names ("r:…") turn up in few examples, values not all 1. */
function features(rand: () => number, k: number): Features {
  const x: Features = new Map();
  const n = Math.floor(rand() * 12);
  for (let i = 0; i < n; i++) {
    const rare = rand() < 0.2;
    const name = rare ? `r:${Math.floor(rand() * 400)}` : `w:${Math.floor(rand() * 40)}`;
    x.set(name, rand() < 0.5 ? 1 : Math.round((rand() * 4 - 1) * 100) / 100);
  }
  // A feature that says something about the class, so the weights are not all noise.
  if (rand() < 0.7) x.set(`cue:${k}`, 1);
  return x;
}

describe('training over interned feature ids', () => {
  it('trainLinear gives the same artefact as the Map-based trainer, for two classes and for five', () => {
    for (const K of [2, 5]) {
      const rand = prng(11 + K);
      const examples: TrainExample[] = Array.from({ length: 600 }, () => {
        const y = Math.floor(rand() * K);
        return { x: features(rand, y), y, weight: rand() < 0.3 ? 3 : 1 };
      });
      const classes = Array.from({ length: K }, (_, k) => `c${k}`);
      const opts: TrainOptions = { epochs: 8, l2: 2e-3, learningRate: 0.1, prune: 0.01, l2Scale: (f) => (f.startsWith('w:') ? 10 : 1) };
      const fast = trainLinear(classes, examples, opts);
      expect(Object.keys(fast.weights).length).toBeGreaterThan(50);
      expect(JSON.stringify(fast)).toBe(JSON.stringify(referenceLinear(classes, examples, opts)));
      // The same feature objects again, a fold's share of them (the writer folds reuse them).
      const fold = examples.filter((_, i) => i % 3 !== 0);
      expect(JSON.stringify(trainLinear(classes, fold, opts))).toBe(JSON.stringify(referenceLinear(classes, fold, opts)));
    }
  });

  it('trainScorer gives the same artefact as the Map-based trainer, with and without the listwise term', () => {
    const rand = prng(5);
    const groups: RankGroup[] = Array.from({ length: 200 }, () => {
      const n = Math.floor(rand() * 9);
      const at = Math.floor(rand() * Math.max(n, 1));
      const xs = Array.from({ length: n }, (_, c) => features(rand, c === at ? 1 : 0));
      return { xs, gold: xs.map((_, c) => c === at && rand() < 0.9), ...(rand() < 0.3 ? { weights: xs.map(() => 2) } : {}) };
    });
    for (const listWeight of [0, 3]) {
      const opts = { epochs: 6, l2: 1e-3, learningRate: 0.2, listWeight, prune: 1e-3, l2Scale: (f: string) => (f.startsWith('r:') ? 5 : 1) };
      const fast = trainScorer(groups, opts);
      expect(Object.keys(fast.weights).length).toBeGreaterThan(50);
      expect(JSON.stringify(fast)).toBe(JSON.stringify(referenceScorer(groups, opts)));
    }
  });
});
