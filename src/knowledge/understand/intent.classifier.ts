/**
 * Commands in natural words ("can I get the newsletter", "stop sending me these", "what have I booked"):
 * multinomial logistic models over the message's words, word pairs, character n-grams and request lexicon (each
 * member its own choice of these; the first also reads how close the message comes to earlier messages of each
 * kind, message-neighbours.ts), averaged; trained by `npm run train` on the corpus's command, greeting and
 * question messages. A small gate model stacked on them (trained on their out-of-fold probabilities) says
 * whether the message is a command at all. Only a confident command wins: the gate's probability must reach a
 * threshold set on out-of-fold training scores so that (nearly) no question is taken for a command; the
 * likeliest command is then the one routed.
 */
import type { Intent } from '../knowledge.types';
import type { LinearModelJson } from './linear-model';
import { viewOf, type FeatureOptions, type MessageView } from './message-features';
import { sentences, stemToken, tokenize } from './text';
import { neighboursFor, type StoredMessage } from './message-neighbours';
import { averageProbabilities, commandMass, gateScore, likeliestCommand, memberProbabilities, type IntentMember } from './intent-decision';

export interface IntentArtefact {
  corpusHash: string;
  featureOptions: FeatureOptions;
  /** classes[0] is 'none' (a question or anything else); the rest are intents. */
  model: LinearModelJson;
  /** Whether `model` reads the nearest-message evidence (absent: it does, as the committed first member does). */
  neighbours?: boolean;
  /**
   * Further members of the classifier, each over its own features, averaged with `model` (which reads
   * `featureOptions`); the gate reads each member's confidence too. Absent in artefacts trained before
   * members: `model` alone.
   */
  members?: IntentMember[];
  threshold: number;
  /**
   * Between this and `threshold` the message is answered as a question and the likeliest command is offered
   * beside the answer (train.ts: INTENT_MAX_OFFERED). Absent in artefacts trained before offers: none offered.
   */
  offer?: number;
  /**
   * The command gate (intent-decision.ts `gateFeatures`): its probability that the message is a command is what
   * `threshold` and `offer` are set on. Absent in artefacts trained before the gate: the commands' probability
   * together is used instead.
   */
  gate?: LinearModelJson;
  /** Longer messages are read as questions, whatever they ask (a command is a line, not a story). */
  maxTokens: number;
  /** The training messages (stems and what each was), for the nearest-message features. */
  messages: StoredMessage[];
}


/**
 * The product's own command words, typed as they are shown on the welcome card and in help. These are the
 * command vocabulary itself, not guesses at wording.
 */
const COMMAND_WORDS: Record<string, Intent> = {
  help: 'help',
  subscribe: 'subscribe',
  unsubscribe: 'unsubscribe',
  'my subscriptions': 'my-subscriptions',
  training: 'training',
  'my training': 'my-training',
  survey: 'survey',
  escalate: 'escalate',
  'my escalations': 'my-escalations',
};

/** The word that runs a command as typed (the inverse of COMMAND_WORDS): what an offered command's button sends. */
export function commandWord(intent: Intent): string {
  return Object.keys(COMMAND_WORDS).find((w) => COMMAND_WORDS[w] === intent) ?? 'help';
}

/**
 * A short message that names one of the person's own lists ("check on my escalation please", "show my
 * training") is that command, whatever else it says: the product's command names, matched on stems.
 */
const OWN_LISTS: [string[], Intent][] = [
  [['my', 'escal'], 'my-escalations'],
  [['my', 'train'], 'my-training'],
  [['my', 'book'], 'my-training'],
  [['my', 'subscript'], 'my-subscriptions'],
];
const OWN_LIST_MAX_TOKENS = 6;

function ownList(view: MessageView): Intent | undefined {
  if (view.tokens.length > OWN_LIST_MAX_TOKENS) return undefined;
  for (const [phrase, intent] of OWN_LISTS) {
    for (let i = 0; i + phrase.length <= view.stems.length; i++) if (phrase.every((p, k) => view.stems[i + k] === p)) return intent;
  }
  return undefined;
}

export interface IntentDecision {
  intent?: Intent;
  /** Not routed, but likely enough to offer beside the answer (one tap sends the command's own word). */
  offer?: Intent;
  score: number;
}

/**
 * What the command classifier reads: a short message whole; of a long one (a reason first, the request at the
 * end), its last sentences up to `maxTokens` words.
 */
export function intentView(text: string, maxTokens: number): MessageView {
  const view = viewOf(text);
  if (view.tokens.length <= maxTokens) return view;
  const tail = sentences(view.text).slice(-2);
  let tokens = tail.flatMap((s) => tokenize(s));
  if (tokens.length > maxTokens) tokens = tokenize(tail[tail.length - 1] ?? '').slice(-maxTokens);
  return { text: tail.join(' '), tokens, stems: tokens.map(stemToken) };
}

export function classifyIntentView(a: IntentArtefact, full: MessageView): IntentDecision {
  const bare = full.tokens.join(' ');
  const exact = COMMAND_WORDS[bare] ?? ownList(full);
  if (exact) return { intent: exact, score: 1 };
  const view = full.tokens.length > a.maxTokens ? intentView(full.text, a.maxTokens) : full;
  if (view.tokens.length === 0) return { score: 0 };
  const near = neighboursFor(a.messages).features(view.stems);
  const ps = memberProbabilities([{ featureOptions: a.featureOptions, model: a.model, neighbours: a.neighbours ?? true }, ...(a.members ?? [])], view, near);
  const p = averageProbabilities(ps);
  // A command at all when the gate (or, in older artefacts, the commands together) is sure enough; then the
  // likeliest command.
  const score = a.gate ? gateScore(a.gate, p, a.model.classes, near, view, ps) : commandMass(p);
  const likeliest = a.model.classes[likeliestCommand(p)] as Intent;
  if (score >= a.threshold) return { intent: likeliest, score };
  // Below it, likely enough to offer beside the answer (artefacts trained before offers have no `offer`).
  return a.offer !== undefined && score >= a.offer ? { offer: likeliest, score } : { score };
}
