/**
 * Urgent risk, recall first: a message describing a child in danger now — in any words, at any length —
 * must lead with 999. Logistic models over words, word pairs, character n-grams and risk/stance lexicon
 * features (trained by `npm run train` on the message corpus) score a short message whole and a long one
 * window by window (up to three sentences, with the whole message's stance cues; a pasted document of over 150
 * sentences sentence by sentence, each with its own), the most urgent window
 * counting, so danger late in a long message is not diluted. The threshold is chosen on out-of-fold
 * scores (each corpus writer held out in turn) to miss none; a false alarm costs a line.
 */
import { logit, predict, type LinearModelJson } from './linear-model';
import { cuesOfPart, featuresOf, messageCues, partFeatures, partsOfView, viewOf, type FeatureOptions, type MessagePart, type MessageView } from './message-features';

/** Messages longer than this (in words) are read window by window. */
export const LONG_TOKENS = 120;

export interface UrgentMember {
  featureOptions: FeatureOptions;
  /** classes: ['other', 'urgent']. */
  model: LinearModelJson;
}

export interface UrgentArtefact {
  corpusHash: string;
  /**
   * Models that read the message differently (one with the risk and stance lexicons, one from its words
   * alone); their log-odds are averaged, so a sign one of them misses can still count.
   */
  members: UrgentMember[];
  threshold: number;
  /** Which kind of danger (for the emergency lines that follow 999); classes are the corpus risk categories. */
  risk: UrgentMember;
}

export interface UrgentCheck {
  urgent: boolean;
  /** Probability of being urgent (the ensemble's, at the message's most urgent window). */
  score: number;
  /** The most likely risk category when urgent. */
  risk?: string;
}

/** The parts of a message that are scored (see partsOfView). */
export function partsOf(view: MessageView): MessagePart[] {
  return partsOfView(view, LONG_TOKENS);
}

/** The ensemble probability from its members' scores. */
export function combine(scores: number[]): number {
  const z = scores.reduce((a, s) => a + logit(s, 1e-9), 0) / Math.max(scores.length, 1);
  return 1 / (1 + Math.exp(-z));
}

/**
 * Every member's options at once: a feature one member does not use has no weight in that member's model, so
 * one extraction per part serves them all (the costly step on a long message).
 */
function unionOptions(a: UrgentArtefact): FeatureOptions {
  const all = [...a.members.map((m) => m.featureOptions), a.risk.featureOptions];
  return {
    charGrams: all.some((o) => o.charGrams !== false),
    lexicon: all.some((o) => o.lexicon !== false),
    bigrams: all.some((o) => o.bigrams !== false),
    messageCues: all.some((o) => o.messageCues),
    requests: all.some((o) => o.requests),
  };
}

/**
 * Every member's log-odds of "urgent" per feature in one map (a two-class model's probability is the logistic of
 * its two classes' difference), so a window of a long message costs one lookup per feature, not one per member.
 */
const merged = new WeakMap<UrgentArtefact, { bias: Float64Array; weights: Map<string, Float64Array> }>();
function membersAtOnce(a: UrgentArtefact): { bias: Float64Array; weights: Map<string, Float64Array> } {
  let m = merged.get(a);
  if (!m) {
    const M = a.members.length;
    const urgentAt = a.members.map((x) => x.model.classes.indexOf('urgent'));
    if (a.members.some((x, k) => x.model.classes.length !== 2 || urgentAt[k] < 0)) throw new Error('urgent.json: each member must be a two-class model with an "urgent" class');
    const bias = Float64Array.from(a.members, (x, k) => x.model.bias[urgentAt[k]] - x.model.bias[1 - urgentAt[k]]);
    const weights = new Map<string, Float64Array>();
    a.members.forEach((x, k) => {
      for (const [f, w] of Object.entries(x.model.weights)) {
        let arr = weights.get(f);
        if (!arr) weights.set(f, (arr = new Float64Array(M)));
        arr[k] = w[urgentAt[k]] - w[1 - urgentAt[k]];
      }
    });
    m = { bias, weights };
    merged.set(a, m);
  }
  return m;
}

/** Scores a message already read. */
export function checkUrgentView(a: UrgentArtefact, view: MessageView): UrgentCheck {
  if (view.tokens.length === 0) return { urgent: false, score: 0 };
  const cues = messageCues(view.stems);
  const options = unionOptions(a);
  const features = partsOf(view).map((w) => partFeatures(w, options, cuesOfPart(w, cues)));
  const best = a.members.map(() => ({ score: 0, part: 0 }));
  const { bias, weights } = membersAtOnce(a);
  const z = new Float64Array(bias.length);
  features.forEach((x, i) => {
    z.set(bias);
    for (const [f, v] of x) {
      const w = weights.get(f);
      if (w) for (let k = 0; k < z.length; k++) z[k] += w[k] * v;
    }
    for (let k = 0; k < z.length; k++) {
      const s = 1 / (1 + Math.exp(-z[k]));
      if (s > best[k].score) best[k] = { score: s, part: i };
    }
  });
  const score = combine(best.map((s) => s.score));
  if (score < a.threshold) return { urgent: false, score };
  const p = predict(a.risk.model, features[best[0].part]);
  const k = p.indexOf(Math.max(...p));
  return { urgent: true, score, risk: a.risk.model.classes[k] };
}
