/**
 * Urgent risk, recall first: a message describing a child in danger now — in any words, at any length —
 * must lead with 999. Logistic models over words, word pairs, character n-grams and risk/stance lexicon
 * features (trained by `npm run train` on the message corpus) score a short message whole and a long one
 * window by window (up to three sentences, with the whole message's stance cues), the most urgent window
 * counting, so danger late in a long message is not diluted. The threshold is chosen on out-of-fold
 * scores (each corpus writer held out in turn) to miss none; a false alarm costs a line.
 */
import { loadArtefact } from './artefacts';
import { predict, type LinearModelJson } from './linear-model';
import { featuresOf, messageCues, partsOfView, viewOf, type FeatureOptions, type MessageView } from './message-features';

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
export function partsOf(view: MessageView): { stems: string[]; tokens: string[] }[] {
  return partsOfView(view, LONG_TOKENS);
}

const logit = (p: number) => Math.log(Math.max(p, 1e-9) / Math.max(1 - p, 1e-9));

/** One member's score of a message: its most urgent part. */
export function memberScore(m: UrgentMember, parts: { stems: string[]; tokens: string[] }[], cues: Map<string, number>): { score: number; part: number } {
  let best = { score: 0, part: 0 };
  parts.forEach((w, i) => {
    const s = predict(m.model, featuresOf(w.stems, w.tokens, m.featureOptions, cues))[1];
    if (s > best.score) best = { score: s, part: i };
  });
  return best;
}

/** The ensemble probability from its members' scores. */
export function combine(scores: number[]): number {
  const z = scores.reduce((a, s) => a + logit(s), 0) / Math.max(scores.length, 1);
  return 1 / (1 + Math.exp(-z));
}

/** Scores a message already read. */
export function checkUrgentView(a: UrgentArtefact, view: MessageView): UrgentCheck {
  if (view.tokens.length === 0) return { urgent: false, score: 0 };
  const cues = messageCues(view.stems);
  const parts = partsOf(view);
  const scored = a.members.map((m) => memberScore(m, parts, cues));
  const score = combine(scored.map((s) => s.score));
  if (score < a.threshold) return { urgent: false, score };
  const part = parts[scored[0].part];
  const p = predict(a.risk.model, featuresOf(part.stems, part.tokens, a.risk.featureOptions, cues));
  const k = p.indexOf(Math.max(...p));
  return { urgent: true, score, risk: a.risk.model.classes[k] };
}

let artefact: UrgentArtefact | undefined;

/** Decides whether a message describes a child at immediate risk (see the module comment). */
export function detectUrgent(raw: string): UrgentCheck {
  artefact ??= loadArtefact<UrgentArtefact>('urgent');
  return checkUrgentView(artefact, viewOf(raw));
}
