/**
 * Follow-up questions ("and who chairs it?", "what happens after that?"): a learned classifier decides
 * whether a message leans on the previous turn; if so, the previous question's words join the search at a
 * lower weight and the reranker sees which passages the previous answer quoted (and their neighbours).
 */
import type { Query } from '../search/query';
import { FOLLOW_UP_LEXICON } from './lexicons';
import { predict, type Features, type LinearModelJson } from './linear-model';
import { featuresOf, PhraseMatcher, viewOf } from './message-features';
import type { Ranker } from './ranker';

/** What the next turn needs from this one (kept per conversation for a short while). */
export interface ConversationContext {
  question: string;
  /** Passages the answer quoted (or the closest ones shown). */
  chunkIds: string[];
  /** When it was answered (ms since epoch). */
  at: number;
}

export interface FollowUpArtefact {
  corpusHash: string;
  model: LinearModelJson;
  threshold: number;
}

export interface ResolvedQuestion {
  question: string;
  query: Query;
  isFollowUp: boolean;
  /** The previous answer's passages, for the reranker. */
  context?: string[];
}

const LEANS = new PhraseMatcher(FOLLOW_UP_LEXICON);

/** Features of a message as a possible follow-up: its words, its leaning words, and how much topic of its own it has. */
export function followUpFeatures(message: string, ownQuery: Query): Features {
  const v = viewOf(message);
  const f = featuresOf(v.stems.slice(0, 30), v.tokens.slice(0, 30), { charGrams: false, lexicon: false });
  for (const [label, n] of LEANS.count(v.stems.slice(0, 30))) f.set(`lean:${label}`, Math.min(n, 2));
  const known = ownQuery.terms.filter((t) => t.weight === 1 && (t.tid !== undefined || t.expansions.length)).length;
  f.set(`known:${Math.min(known, 4)}`, 1);
  if (v.stems[0] && LEANS.count(v.stems.slice(0, 1)).size) f.set('lean:first', 1);
  return f;
}

export function followUpScore(a: FollowUpArtefact, message: string, ownQuery: Query): number {
  return predict(a.model, followUpFeatures(message, ownQuery))[1];
}

/** Reads a question against the previous turn, when there is one and the question leans on it. */
export function resolveFollowUp(question: string, context: ConversationContext | undefined, ranker: Ranker, artefact: FollowUpArtefact): ResolvedQuestion {
  const own = ranker.query(question);
  if (!context) return { question, query: own, isFollowUp: false };
  if (followUpScore(artefact, question, own) < artefact.threshold) return { question, query: own, isFollowUp: false };
  return { question, query: ranker.query(question, context.question), isFollowUp: true, context: context.chunkIds };
}
