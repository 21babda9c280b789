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

/**
 * Feature names interned once per process: training reads each example's features as ids and values in typed
 * arrays instead of looking every name up in a Map at every step (the same arithmetic in the same order, so the
 * same artefact, several times faster).
 */
const featureIds = new Map<string, number>();
const featureNames: string[] = [];

interface Packed {
  ids: Int32Array;
  vals: Float64Array;
}

/** One example's features as interned ids and values, in the Map's order. */
function pack(x: Features): Packed {
  const ids = new Int32Array(x.size);
  const vals = new Float64Array(x.size);
  let i = 0;
  for (const [f, v] of x) {
    let id = featureIds.get(f);
    if (id === undefined) {
      id = featureNames.length;
      featureNames.push(f);
      featureIds.set(f, id);
    }
    ids[i] = id;
    vals[i] = v;
    i++;
  }
  return { ids, vals };
}

/**
 * The examples' features renumbered from 0 in order of first use (`slots`: each example's; `names`: each slot's
 * feature), so a model's weights are one dense array.
 */
function slotsOf(packed: Packed[]): { slots: Int32Array[]; names: string[] } {
  const slotOf = new Map<number, number>();
  const names: string[] = [];
  const slots = packed.map(({ ids }) => {
    const out = new Int32Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      let s = slotOf.get(ids[i]);
      if (s === undefined) {
        s = names.length;
        slotOf.set(ids[i], s);
        names.push(featureNames[ids[i]]);
      }
      out[i] = s;
    }
    return out;
  });
  return { slots, names };
}

/** Trains with AdaGrad over shuffled examples (seeded), L2-regularised. */
export function trainLinear(classes: string[], examples: TrainExample[], opts: TrainOptions = {}): LinearModelJson {
  const K = classes.length;
  const epochs = opts.epochs ?? 30;
  const lr = opts.learningRate ?? 0.3;
  const l2 = opts.l2 ?? 1e-4;
  const rand = prng(opts.seed ?? 7);
  const packed = examples.map((e) => pack(e.x));
  const { slots, names } = slotsOf(packed);
  const F = names.length;
  // A feature's weights exist from the first update that reads it (before that it adds nothing to a score).
  const W = new Float64Array(F * K);
  const G = new Float64Array(F * K).fill(1e-8);
  const created = new Uint8Array(F);
  const reg = Float64Array.from(names, (f) => l2 * (opts.l2Scale ? opts.l2Scale(f) : 1));
  const bias = new Float64Array(K);
  const gBias = new Float64Array(K).fill(1e-8);
  const order = examples.map((_, i) => i);
  const gk = new Float64Array(K);
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffle(order, rand);
    for (const idx of order) {
      const ex = examples[idx];
      const fs = slots[idx];
      const vs = packed[idx].vals;
      const z = Array.from(bias);
      for (let i = 0; i < fs.length; i++) {
        const f = fs[i];
        if (!created[f]) continue;
        const v = vs[i];
        const o = f * K;
        for (let k = 0; k < K; k++) z[k] += W[o + k] * v;
      }
      const p = softmax(z);
      const cw = ex.weight ?? 1;
      for (let k = 0; k < K; k++) {
        const g = cw * (p[k] - (k === ex.y ? 1 : 0));
        gBias[k] += g * g;
        bias[k] -= (lr * g) / Math.sqrt(gBias[k]);
        gk[k] = p[k] - (k === ex.y ? 1 : 0);
      }
      for (let i = 0; i < fs.length; i++) {
        const f = fs[i];
        const v = vs[i];
        created[f] = 1;
        const r = reg[f];
        const o = f * K;
        for (let k = 0; k < K; k++) {
          const g = cw * gk[k] * v + r * W[o + k];
          G[o + k] += g * g;
          W[o + k] -= (lr * g) / Math.sqrt(G[o + k]);
        }
      }
    }
  }
  const prune = opts.prune ?? 1e-3;
  const weights: Record<string, number[]> = {};
  const bySlot = names.map((f, slot) => ({ f, slot })).sort((a, b) => (a.f < b.f ? -1 : a.f > b.f ? 1 : 0));
  for (const { f, slot } of bySlot) {
    const w = W.subarray(slot * K, slot * K + K);
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
  // Every candidate's features as slots of one dense weight array (as trainLinear).
  const packed = groups.map((g) => g.xs.map(pack));
  const { slots: flat, names } = slotsOf(packed.flat());
  const slots: Int32Array[][] = [];
  let at = 0;
  for (const g of packed) {
    slots.push(flat.slice(at, at + g.length));
    at += g.length;
  }
  const F = names.length;
  const W = new Float64Array(F);
  const G = new Float64Array(F).fill(1e-8);
  const scale = Float64Array.from(names, (f) => (opts.l2Scale ? opts.l2Scale(f) : 1));
  const grad = new Float64Array(F);
  const touched = new Int32Array(F);
  const mark = new Int32Array(F);
  let stamp = 0;
  let bias = 0;
  let gBias = 1e-8;
  const order = groups.map((_, i) => i);
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffle(order, rand);
    for (const gi of order) {
      const { xs, gold, weights } = groups[gi];
      if (!xs.length) continue;
      const fsOf = slots[gi];
      const vsOf = packed[gi];
      const z = xs.map((_, c) => {
        let s = bias;
        const fs = fsOf[c];
        const vs = vsOf[c].vals;
        for (let i = 0; i < fs.length; i++) s += W[fs[i]] * vs[i];
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
      // Each feature's gradient summed over the candidates in order; each feature's update reads only its own state.
      let n = 0;
      stamp++;
      for (let c = 0; c < xs.length; c++) {
        const fs = fsOf[c];
        const vs = vsOf[c].vals;
        for (let i = 0; i < fs.length; i++) {
          const f = fs[i];
          if (mark[f] !== stamp) {
            mark[f] = stamp;
            touched[n++] = f;
          }
          grad[f] += g[c] * vs[i];
        }
      }
      for (let j = 0; j < n; j++) {
        const f = touched[j];
        const gf = grad[f];
        grad[f] = 0;
        const w = W[f];
        const d = gf + l2 * xs.length * scale[f] * w;
        const acc = G[f] + d * d;
        G[f] = acc;
        W[f] = w - (lr * d) / Math.sqrt(acc);
      }
    }
  }
  const prune = opts.prune ?? 1e-3;
  const out: Record<string, number[]> = {};
  const bySlot = names.map((f, slot) => ({ f, slot })).sort((a, b) => (a.f < b.f ? -1 : a.f > b.f ? 1 : 0));
  for (const { f, slot } of bySlot) {
    const w = W[slot];
    if (Math.abs(w) < prune) continue;
    out[f] = [0, Math.round(w * 1e3) / 1e3];
  }
  return { classes: ['other', 'answers'], bias: [0, Math.round(bias * 1e4) / 1e4], weights: out };
}

/** Log-odds of a probability, clamped `floor` away from 0 and 1. */
export function logit(p: number, floor: number): number {
  return Math.log(Math.max(p, floor) / Math.max(1 - p, floor));
}
