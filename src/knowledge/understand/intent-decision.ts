/** How the command classifier's probabilities become a decision (shared by training and the bot). */
import { logit, predict, type Features, type LinearModelJson } from './linear-model';
import { QUESTION_OPENERS } from './lexicons';
import { featuresOf, type FeatureOptions, type MessageView } from './message-features';

/**
 * Whether a message is a command at all: the probability of all the commands together (1 − p(none)). Which
 * command: the likeliest of them. Two commands sharing the probability ("show my training" between
 * `training` and `my-training`) is still a command; taking the single likeliest command's probability as the
 * test instead routed 70.9 % of commands out of fold at the same budget of questions taken, against 80.2 %.
 */
export function commandMass(p: number[]): number {
  return 1 - p[0];
}

export function likeliestCommand(p: number[]): number {
  let k = 1;
  for (let i = 2; i < p.length; i++) if (p[i] > p[k]) k = i;
  return k;
}

const OPENERS = new Set(QUESTION_OPENERS);

/**
 * What the command gate reads (a second, small model stacked on the command classifier, trained on its
 * members' out-of-fold probabilities): how likely the commands are together and the likeliest alone, which
 * command that is, the same for each member with whether it agrees on the command (when there are several), how close the message comes to earlier messages of each kind, and its shape (length, a question mark, a
 * question's first word). The classifier spreads its weight over thousands of words; the gate re-weighs the
 * few signals that say "command or question" for a message it has not seen. (Out of fold on the training
 * split, at the same 0.4 % of questions taken for commands: commands routed 84.1 → 86.9 %; every budget from
 * 0.1 % to 2 % rose; over writer bootstrap resamples the gain was positive in 97 %.)
 */
export function gateFeatures(
  p: number[],
  classes: string[],
  neighbours: Features,
  view: Pick<MessageView, 'tokens' | 'text'>,
  memberPs: number[][] = [],
): Features {
  const { tokens, text } = view;
  const f: Features = new Map();
  const k = likeliestCommand(p);
  setConfidence(f, '', p);
  // With several members, each one's own confidence and whether it agrees on the command (memberProbabilities).
  if (memberPs.length > 1)
    memberPs.forEach((q, j) => {
      setConfidence(f, `m${j}:`, q);
      f.set(`m${j}:agree`, likeliestCommand(q) === k ? 1 : 0);
    });
  f.set(`cmd:${classes[k]}`, 1);
  f.set('len', Math.min(tokens.length, 40) / 40);
  f.set('short', tokens.length <= 4 ? 1 : 0);
  f.set('q', text.includes('?') ? 1 : 0);
  f.set('wh', OPENERS.has(tokens[0] ?? '') ? 1 : 0);
  for (const [key, v] of neighbours) f.set(`nb:${key}`, v);
  return f;
}

function setConfidence(f: Features, prefix: string, p: number[]): void {
  const mass = commandMass(p);
  const k = likeliestCommand(p);
  f.set(`${prefix}mass`, logit(mass, 1e-6) / 5);
  f.set(`${prefix}top`, logit(p[k], 1e-6) / 5);
  f.set(`${prefix}share`, p[k] / Math.max(1e-6, mass));
}

/** The gate's probability that the message is a command (what the routing and offer thresholds are set on). */
export function gateScore(gate: LinearModelJson, ...read: Parameters<typeof gateFeatures>): number {
  return predict(gate, gateFeatures(...read))[1];
}

/**
 * One member of the command classifier: its own view of the message's features. The members are averaged
 * (train.ts `INTENT_MEMBERS`): models over different features err on different messages, so their average
 * takes a command for the wrong one less often than any of them alone.
 */
export interface IntentMember {
  featureOptions: FeatureOptions;
  model: LinearModelJson;
  /** Whether the nearest-message evidence is among its features. */
  neighbours: boolean;
}

const NO_FEATURES: Features = new Map();

/** Each member's probabilities over the classes for one message. */
export function memberProbabilities(members: IntentMember[], view: MessageView, neighbours: Features): number[][] {
  const classes = members[0]?.model.classes.join();
  if (members.some((m) => m.model.classes.join() !== classes)) throw new Error('the command classifier’s members must share their classes');
  return members.map((m) => predict(m.model, commandFeatures(view, m.featureOptions, m.neighbours ? neighbours : NO_FEATURES)));
}

/** The members' probabilities averaged class by class (every member over the same classes, in the same order). */
export function averageProbabilities(ps: number[][]): number[] {
  if (ps.length === 0 || ps.some((p) => p.length !== ps[0].length)) throw new Error('the command classifier’s members must share their classes');
  return ps[0].map((_, k) => ps.reduce((s, p) => s + p[k], 0) / ps.length);
}

/** The classifier's features: the message's words, pairs and n-grams, with its nearest-message evidence. */
export function commandFeatures(view: MessageView, opts: FeatureOptions, neighbours: Features): Features {
  const x = featuresOf(view.stems, view.tokens, opts);
  for (const [k, v] of neighbours) x.set(k, v);
  return x;
}
