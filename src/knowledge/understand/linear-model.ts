/**
 * Sparse multinomial logistic regression: the learned part of the language layer. Small enough to train in
 * seconds on the message corpus (`npm run train`) and to score a message in microseconds; its weights are a
 * JSON artefact committed beside the code.
 */

/** Feature name → value (binary features are 1). */
export type Features = Map<string, number>;

export interface LinearModelJson {
  classes: string[];
  bias: number[];
  /** Feature → one weight per class (features absent here weigh nothing). */
  weights: Record<string, number[]>;
}

export interface TrainExample {
  x: Features;
  /** Index into `classes`. */
  y: number;
  /** How much this example counts (class balance, recall-first costs). Default 1. */
  weight?: number;
}

export interface TrainOptions {
  epochs?: number;
  learningRate?: number;
  /** L2 penalty per update, scaled by the example count. */
  l2?: number;
  seed?: number;
  /** Drop weights smaller than this from the artefact. */
  prune?: number;
  /** Per-feature multiplier of the L2 penalty (e.g. heavier on raw words than on lexicon categories). */
  l2Scale?: (feature: string) => number;
}

/** Deterministic PRNG (mulberry32): the same corpus always gives the same artefact. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates, in place, with the seeded generator (each epoch's order). */
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

/** Trains with AdaGrad over shuffled examples (seeded), L2-regularised. */
export function trainLinear(classes: string[], examples: TrainExample[], opts: TrainOptions = {}): LinearModelJson {
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

/** The weights as a Map (a plain object with tens of thousands of keys is slow to look up in). */
const weightMaps = new WeakMap<LinearModelJson, Map<string, number[]>>();
function weightsOf(model: LinearModelJson): Map<string, number[]> {
  let m = weightMaps.get(model);
  if (!m) {
    m = new Map(Object.entries(model.weights));
    weightMaps.set(model, m);
  }
  return m;
}

/** Class probabilities of one example. */
export function predict(model: LinearModelJson, x: Features): number[] {
  const weights = weightsOf(model);
  const z = [...model.bias];
  for (const [f, v] of x) {
    const w = weights.get(f);
    if (w) for (let k = 0; k < z.length; k++) z[k] += w[k] * v;
  }
  return softmax(z);
}

/** The candidates of one question: their features and which of them answer it. */
export interface RankGroup {
  xs: Features[];
  gold: boolean[];
  /** Pointwise weight of each candidate (default 1). */
  weights?: number[];
}

/**
 * A scorer of candidates, trained on each candidate's own label (logistic) and, with `listWeight`, on the
 * question's candidates together (the softmax over them should put its mass on those that answer): the first
 * anchors the scores' level, the second cares only which candidate comes first. With a large `listWeight` the
 * scores rank well but are calibrated only on average, not candidate by candidate: what reads them as
 * probabilities (the answer model, fitted on them out of fold) must be fitted on them. AdaGrad per question;
 * the L2 penalty is applied once per question to each feature it uses, scaled by its number of candidates.
 * Returned as a two-class model, so `predict` reads it like any other.
 */
export function trainScorer(groups: RankGroup[], opts: TrainOptions & { listWeight?: number } = {}): LinearModelJson {
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
      // Each candidate's logistic gradient (the bias takes their sum: the listwise term's sums to nothing), then
      // the listwise term's.
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
  const weights: Record<string, number[]> = {};
  for (const f of [...W.keys()].sort()) {
    const w = W.get(f)!;
    if (Math.abs(w) < prune) continue;
    weights[f] = [0, Math.round(w * 1e3) / 1e3];
  }
  return { classes: ['other', 'answers'], bias: [0, Math.round(bias * 1e4) / 1e4], weights };
}

/** Log-odds of a probability, clamped `floor` away from 0 and 1. */
export function logit(p: number, floor: number): number {
  return Math.log(Math.max(p, floor) / Math.max(1 - p, floor));
}
