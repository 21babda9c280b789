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
 * out-of-fold probabilities): how likely the commands are together and the likeliest alone, which command that
 * is, how close the message comes to earlier messages of each kind, and its shape (length, a question mark, a
 * question's first word). The classifier spreads its weight over thousands of words; the gate re-weighs the
 * few signals that say "command or question" for a message it has not seen. (Out of fold on the training
 * split, at the same 0.4 % of questions taken for commands: commands routed 84.1 → 86.9 %; every budget from
 * 0.1 % to 2 % rose; over writer bootstrap resamples the gain was positive in 97 %.)
 */
export function gateFeatures(p: number[], classes: string[], neighbours: Features, view: Pick<MessageView, 'tokens' | 'text'>): Features {
  const { tokens, text } = view;
  const f: Features = new Map();
  const mass = commandMass(p);
  const k = likeliestCommand(p);
  f.set('mass', logit(mass, 1e-6) / 5);
  f.set('top', logit(p[k], 1e-6) / 5);
  f.set('share', p[k] / Math.max(1e-6, mass));
  f.set(`cmd:${classes[k]}`, 1);
  f.set('len', Math.min(tokens.length, 40) / 40);
  f.set('short', tokens.length <= 4 ? 1 : 0);
  f.set('q', text.includes('?') ? 1 : 0);
  f.set('wh', OPENERS.has(tokens[0] ?? '') ? 1 : 0);
  for (const [key, v] of neighbours) f.set(`nb:${key}`, v);
  return f;
}

/** The gate's probability that the message is a command (what the routing and offer thresholds are set on). */
export function gateScore(gate: LinearModelJson, p: number[], classes: string[], neighbours: Features, view: Pick<MessageView, 'tokens' | 'text'>): number {
  return predict(gate, gateFeatures(p, classes, neighbours, view))[1];
}

/** The classifier's features: the message's words, pairs and n-grams, with its nearest-message evidence. */
export function commandFeatures(view: MessageView, opts: FeatureOptions, neighbours: Features): Features {
  const x = featuresOf(view.stems, view.tokens, opts);
  for (const [k, v] of neighbours) x.set(k, v);
  return x;
}
