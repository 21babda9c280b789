import type { Clock } from '../clock';
import type { Config } from '../config';
import { composeExtractive, toSource } from './answer/answer-composer';
import type { AnswerGenerator } from './answer/answer-generator';
import { judgeConfidence } from './answer/not-found';
import { escapeForEcho, guardInput } from './input-guard';
import { detectIntent } from './intent';
import type { AnswerResult, AnswerSource, Chunk, Intent } from './knowledge.types';
import { detectUrgent, emergencyPreface } from './safety/urgent';
import { buildSearchIndex, type SearchHit, type SearchIndex } from './search/search-index';

export const NOT_FOUND_TEXT = "I couldn't find that in the CSCP guidance.";

export interface KnowledgeEngine {
  readonly index: SearchIndex;
  readonly chunks: readonly Chunk[];
  /** Answers one message: command, emergency, guidance answer or honest not-found. */
  ask(question: string): Promise<AnswerResult>;
  /** The extractive path only (no model), synchronous: used by the CLI, eval and bench. */
  askExtractive(question: string): AnswerResult;
}

export interface EngineOptions {
  safety: Config['safety'];
  clock: Clock;
  /** Optional model-written answers over the same passages; falls back to extractive on any failure. */
  generator?: AnswerGenerator;
}

const INTENT_TEXT: Record<Intent, string> = {
  help: 'I answer questions from the CSCP guidance and can manage your newsletter subscription, training bookings, the parent survey link and escalations.',
  subscribe: 'Subscribing you to the CSCP newsletter.',
  unsubscribe: 'Unsubscribing you from the CSCP newsletter.',
  'my-subscriptions': 'Here are your newsletter subscriptions.',
  training: 'Here are the upcoming CSCP training sessions.',
  'my-training': 'Here are your training bookings.',
  survey: 'Here is the parent and carer survey link to share with families.',
  escalate: 'Opening the escalation form.',
  'my-escalations': 'Here are the escalations you have raised.',
};

const GENERIC_HEADING = /^(?:what'?s working well|areas for development|background|outcome|the outcome|what went well|support process|introduction|overview|summary|conclusion|what support was offered|purpose)\??:?$/i;

/** Builds the in-memory index over the passages and answers from it (same path for bot, CLI and bench). */
export function createKnowledgeEngine(chunks: Chunk[], opts: EngineOptions): KnowledgeEngine {
  const index = buildSearchIndex(chunks);

  function base(partial: Partial<AnswerResult>): AnswerResult {
    return { answer: '', notFound: false, urgent: false, sources: [], followUps: [], notices: [], mode: 'none', ...partial };
  }

  function notFoundText(missing: string[]): string {
    const s = opts.safety;
    const lines = [NOT_FOUND_TEXT];
    if (missing.length) lines[0] += ` (nothing in it about ${missing.slice(0, 3).map((m) => `“${escapeForEcho(m, 40)}”`).join(', ')})`;
    lines.push('You could try:');
    lines.push(`• the CSCP website: ${s.website}`);
    if (s.trainingEmail) lines.push(`• the CSCP training inbox for anything about courses: ${s.trainingEmail}`);
    lines.push("• the threshold guidance (Effective support for children and families in Coventry, formerly Right Help Right Time) on the CSCP website, if you are deciding what level of help a family needs");
    lines.push('• raising it with the CSCP team, so the guidance can cover it');
    return lines.join('\n');
  }

  function followUps(hits: SearchHit[]): string[] {
    if (hits.length === 0) return [];
    const top = hits[0].chunk;
    const here = top.headingPath.join(' › ');
    const seen = new Set<string>([here]);
    const out: string[] = [];
    const candidates = [...index.neighbours(top, 4), ...hits.slice(1).map((h) => h.chunk)];
    for (const c of candidates) {
      const key = c.headingPath.join(' › ');
      // Skip the sections the answer already sits in (its own heading and its parents).
      if (!c.headingPath.length || seen.has(key) || here.startsWith(`${key} › `)) continue;
      seen.add(key);
      const leaf = c.headingPath[c.headingPath.length - 1];
      const label = GENERIC_HEADING.test(leaf) && c.headingPath.length > 1 ? `${c.headingPath[c.headingPath.length - 2]} (${leaf.replace(/\?$/, '').toLowerCase()})` : leaf;
      if (label.length < 4 || GENERIC_HEADING.test(label)) continue;
      out.push(`What does the guidance say about ${label.replace(/[?:]$/, '')}?`);
      if (out.length === 3) break;
    }
    return out;
  }

  function askExtractive(raw: string): AnswerResult {
    const input = guardInput(raw);
    const notices: string[] = [];
    if (input.problem === 'empty') {
      return base({ answer: 'Please type a question about the CSCP guidance, or type help to see what I can do.', notFound: true, notices: ['empty'] });
    }
    if (input.problem === 'no-words') {
      return base({ answer: 'I can only read words. Please type your question, for example: how do I make a referral to MASH?', notFound: true, notices: ['no-words'] });
    }
    if (input.problem === 'not-english') {
      return base({
        answer:
          'I can only search the CSCP guidance in English. Please ask your question in English (a translation tool may help). If a child is in immediate danger, call 999.',
        notFound: true,
        notices: ['not-english'],
      });
    }
    if (input.truncated) notices.push('Your message was long, so I answered from its first part.');

    // Safety first: a message describing a child at risk is never swallowed by a command.
    const urgent = detectUrgent(input.question);
    const intent = urgent.urgent ? undefined : detectIntent(input.question);
    if (intent) return base({ answer: INTENT_TEXT[intent], intent, notices });

    const q = index.analyze(input.question);
    const hits = index.search(q, 5);
    const confidence = judgeConfidence(q, hits, index);
    const now = opts.clock.now();
    const maxAge = opts.safety.sourceMaxAgeYears;

    let answer: string;
    let sources: AnswerSource[] = [];
    if (confidence.found) {
      const composed = composeExtractive(q, hits, index);
      sources = hits.map((h, k) => toSource(h, k + 1, now, maxAge));
      const ageLines = composed.cited
        .map((i) => sources[i])
        .filter((s) => s.outdated)
        .map((s) => `Source ${s.n} was ${s.ageNotice}.`);
      answer = [composed.text, ...ageLines].join('\n');
    } else {
      sources = hits.map((h, k) => toSource(h, k + 1, now, maxAge));
      answer = notFoundText(confidence.missingRare);
    }
    if (input.truncated) answer = `${notices[0]}\n${answer}`;
    if (urgent.urgent) {
      const preface = emergencyPreface(urgent.reasons, opts.safety);
      answer = confidence.found ? `${preface}\n\nFrom the CSCP guidance:\n${answer}` : preface;
    }
    return base({
      answer,
      notFound: !confidence.found && !urgent.urgent,
      urgent: urgent.urgent,
      sources,
      followUps: confidence.found ? followUps(hits) : [],
      notices,
      mode: 'extractive',
    });
  }

  async function ask(raw: string): Promise<AnswerResult> {
    const extractive = askExtractive(raw);
    const gen = opts.generator;
    if (!gen || extractive.intent || extractive.notFound || extractive.sources.length === 0) return extractive;
    try {
      const text = await gen.generate({ question: guardInput(raw).question, sources: extractive.sources });
      if (!text) return extractive;
      const preface = extractive.urgent ? `${emergencyPreface(detectUrgent(raw).reasons, opts.safety)}\n\n` : '';
      return { ...extractive, answer: `${preface}${text}`, mode: 'generative' };
    } catch {
      return extractive;
    }
  }

  return { index, chunks, ask, askExtractive };
}
