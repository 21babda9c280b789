/**
 * Gradient-boosted decision trees for a two-class choice (logistic loss, Newton steps, weighted examples): a
 * model that can learn how evidence combines ("a phone number is asked for" matters only with "the passage holds
 * one"), where the linear models add each piece of evidence on its own. Deterministic (no sampling), small (a few
 * hundred shallow trees over a few dozen features) and stored as JSON like the linear models. A feature absent
 * from an example's map is 0, as for the linear models.
 */
import { predict, type Features, type LinearModelJson, type TrainExample } from './linear-model';

/** A split (feature index, go left when the value is ≤ `t`) or a leaf (`v`, added to the log-odds). */
export type TreeNode = { f: number; t: number; l: TreeNode; r: TreeNode } | { v: number };

export interface BoostedModelJson {
  kind: 'boosted';
  classes: [string, string];
  /** Log-odds every example starts from. */
  base: number;
  features: string[];
  trees: TreeNode[];
}

export interface BoostOptions {
  trees?: number;
  depth?: number;
  learningRate?: number;
  /** L2 penalty on each leaf's value (in units of summed hessian). */
  lambda?: number;
  /** Smallest summed hessian (weighted p(1-p)) a leaf may hold. */
  minLeaf?: number;
  /**
   * Candidate split points per feature (quantiles of its values, at most 255). A feature that is non-zero in fewer
   * than 1/bins of the examples gets one cut, between 0 and its largest value: a sparse feature splits on present or not.
   */
  bins?: number;
}

const DEFAULTS: Required<BoostOptions> = { trees: 200, depth: 3, learningRate: 0.1, lambda: 1, minLeaf: 2, bins: 32 };

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Split points for one feature: midpoints between distinct quantiles of its values (0 included: absent). */
function cutsOf(values: Float64Array, bins: number): number[] {
  const sorted = Float64Array.from(values).sort();
  const distinct: number[] = [];
  for (let q = 0; q <= bins; q++) {
    const v = sorted[Math.min(sorted.length - 1, Math.floor((q / bins) * (sorted.length - 1)))];
    if (!distinct.length || v > distinct[distinct.length - 1]) distinct.push(v);
  }
  const cuts: number[] = [];
  for (let i = 0; i + 1 < distinct.length; i++) cuts.push((distinct[i] + distinct[i + 1]) / 2);
  return cuts;
}

/** Fits the model: class 1 is `classes[1]`. */
export function trainBoosted(classes: [string, string], examples: TrainExample[], opts: BoostOptions = {}): BoostedModelJson {
  const o = { ...DEFAULTS, ...opts };
  if (!Number.isInteger(o.bins) || o.bins < 1 || o.bins > 255) throw new Error(`bins is a whole number from 1 to 255 (got ${o.bins})`);
  const names = [...new Set(examples.flatMap((e) => [...e.x.keys()]))].sort();
  const col = new Map(names.map((n, i) => [n, i]));
  const n = examples.length;
  const F = names.length;
  // Column-major values and, per feature, the bin (index of the first cut ≥ value) of every example.
  const X = names.map(() => new Float64Array(n));
  examples.forEach((e, i) => {
    for (const [k, v] of e.x) X[col.get(k)!][i] = v;
  });
  const cuts = X.map((vals) => cutsOf(vals, o.bins));
  const bin = X.map((vals, f) => {
    const c = cuts[f];
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      let lo = 0;
      let hi = c.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (vals[i] <= c[mid]) hi = mid;
        else lo = mid + 1;
      }
      b[i] = lo; // value ≤ cuts[lo] (or past every cut)
    }
    return b;
  });
  const y = Float64Array.from(examples, (e) => e.y);
  const w = Float64Array.from(examples, (e) => e.weight ?? 1);
  const wPos = examples.reduce((s, e, i) => s + (e.y ? w[i] : 0), 0);
  const wAll = w.reduce((s, v) => s + v, 0);
  const prior = Math.min(Math.max(wPos / Math.max(wAll, 1e-12), 1e-6), 1 - 1e-6);
  const base = Math.log(prior / (1 - prior));
  const z = new Float64Array(n).fill(base);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const trees: TreeNode[] = [];

  const leafValue = (G: number, H: number) => (-G / (H + o.lambda)) * o.learningRate;
  const grow = (rows: Int32Array, depth: number): TreeNode => {
    let G = 0;
    let H = 0;
    for (const i of rows) {
      G += g[i];
      H += h[i];
    }
    if (depth === 0 || H < 2 * o.minLeaf) return { v: leafValue(G, H) };
    const parent = (G * G) / (H + o.lambda);
    let best = { gain: 1e-9, f: -1, b: -1 };
    for (let f = 0; f < F; f++) {
      const nc = cuts[f].length;
      if (!nc) continue;
      const gs = new Float64Array(nc + 1);
      const hs = new Float64Array(nc + 1);
      const bf = bin[f];
      for (const i of rows) {
        gs[bf[i]] += g[i];
        hs[bf[i]] += h[i];
      }
      let gl = 0;
      let hl = 0;
      for (let b = 0; b < nc; b++) {
        gl += gs[b];
        hl += hs[b];
        const gr = G - gl;
        const hr = H - hl;
        if (hl < o.minLeaf || hr < o.minLeaf) continue;
        const gain = (gl * gl) / (hl + o.lambda) + (gr * gr) / (hr + o.lambda) - parent;
        if (gain > best.gain) best = { gain, f, b };
      }
    }
    if (best.f < 0) return { v: leafValue(G, H) };
    const bf = bin[best.f];
    const left = rows.filter((i) => bf[i] <= best.b);
    const right = rows.filter((i) => bf[i] > best.b);
    return { f: best.f, t: cuts[best.f][best.b], l: grow(left, depth - 1), r: grow(right, depth - 1) };
  };
  const all = Int32Array.from({ length: n }, (_, i) => i);
  for (let t = 0; t < o.trees; t++) {
    for (let i = 0; i < n; i++) {
      const p = sigmoid(z[i]);
      g[i] = w[i] * (p - y[i]);
      h[i] = w[i] * Math.max(p * (1 - p), 1e-6);
    }
    const tree = grow(all, o.depth);
    trees.push(tree);
    for (let i = 0; i < n; i++) z[i] += leafOf(tree, (f) => X[f][i]);
  }
  return { kind: 'boosted', classes, base, features: names, trees };
}

function leafOf(node: TreeNode, value: (f: number) => number): number {
  let at = node;
  while (!('v' in at)) at = value(at.f) <= at.t ? at.l : at.r;
  return at.v;
}

/** Class probabilities of one example, as `predict` gives them for a linear model. */
export function predictBoosted(model: BoostedModelJson, x: Features): number[] {
  let z = model.base;
  for (const tree of model.trees) z += leafOf(tree, (f) => x.get(model.features[f]) ?? 0);
  const p = sigmoid(z);
  return [1 - p, p];
}

/** A two-class model of either kind: linear (`LinearModelJson`) or boosted trees. */
export type BinaryModelJson = LinearModelJson | BoostedModelJson;

export const isBoosted = (m: BinaryModelJson): m is BoostedModelJson => (m as BoostedModelJson).kind === 'boosted';

/** Class probabilities under either kind of model. */
export function predictBinary(model: BinaryModelJson, x: Features): number[] {
  return isBoosted(model) ? predictBoosted(model, x) : predict(model, x);
}

/** The features a model reads: a linear model's weighted ones, the trees' split features. */
export function featuresRead(model: BinaryModelJson): string[] {
  if (!isBoosted(model)) return Object.keys(model.weights);
  const used = new Set<number>();
  const walk = (n: TreeNode): void => {
    if ('v' in n) return;
    used.add(n.f);
    walk(n.l);
    walk(n.r);
  };
  model.trees.forEach(walk);
  return [...used].sort((a, b) => a - b).map((f) => model.features[f]);
}
