import type { Clock } from '../clock';
import type { Config } from '../config';
import { deadline, within } from '../time-limits';
import { composeAnswer, isOutdated, passageLabel, quotePassage, sectionName, toSource } from './answer/compose';
import type { AnswerGenerator } from './answer/answer-generator';
import { escapeForEcho, guardInput } from './input-guard';
import type { AnswerResult, AnswerSource, Chunk, Intent } from './knowledge.types';
import { emergencyPreface } from './safety/emergency';
import { buildLexicalIndex, type LexicalIndex } from './search/lexical-index';
import { resolveFollowUp, type ConversationContext } from './understand/follow-up';
import { classifyIntentView } from './understand/intent.classifier';
import { languageModels, type LanguageModels } from './understand/language-model';
import { viewOf } from './understand/message-features';
import { ExchangeNeighbours, QuestionNeighbours } from './understand/neighbours';
import { Ranker, type Ranking } from './understand/ranker';
import { checkUrgentView } from './understand/urgent.classifier';

export const NOT_FOUND_TEXT = "I couldn't find that in the CSCP guidance.";
export const CLOSEST_TEXT = "I couldn't find a direct answer in the guidance — the closest I found:";
export const LONG_MESSAGE_TEXT = 'Your message was long: I read all of it for signs that a child is in danger, and searched the guidance for the question in it.';
/** Messages longer than this get LONG_MESSAGE_TEXT before the answer. */
const LONG_MESSAGE_CHARS = 2000;

/**
 * Semantic retrieval from a configured embeddings model: the passages nearest the question, best first. The
 * engine fuses them with the lexical ranking (reciprocal-rank fusion); it is time-limited and optional, and
 * any failure leaves the lexical ranking alone.
 */
export interface SemanticSearch {
  search(question: string): Promise<{ chunkId: string; score: number }[]>;
}

/** Reciprocal-rank fusion constant (the usual 60) and the semantic ranking's weight against the lexical one. */
export const FUSION = { k: 60, semanticWeight: 1 };
/**
 * An urgent reply quotes the guidance after the 999 lines only while the urgent ensemble's probability is below
 * this: above it the model takes the message for a report of danger, not a question, and a passage that shares its
 * words ("Alfie was killed by his mother's partner" under "mum screaming she'll kill him tonight") is noise in an
 * emergency. Not fitted: the point where the model finds urgent likelier than not. Out of fold on the training split
 * (ten folds), every answerable question flagged urgent scored below it (13 of 13, highest 0.41), and 1,264 of
 * the 1,304 urgent messages above it.
 */
export const URGENT_QUOTE_BELOW = 0.5;

export interface KnowledgeEngine {
  readonly index: LexicalIndex;
  readonly chunks: readonly Chunk[];
  readonly ranker: Ranker;
  /** Answers one message: command, emergency, guidance answer or honest not-found. */
  ask(question: string, context?: ConversationContext): Promise<AnswerResult>;
  /** The extractive path only (no model), synchronous: used by the CLI, eval and bench. */
  askExtractive(question: string, context?: ConversationContext): AnswerResult;
  /** One turn of a conversation: the extractive answer and the context the next turn needs. */
  converse(question: string, context?: ConversationContext, options?: TurnOptions): { result: AnswerResult; context?: ConversationContext };
  /** The same turn with the optional model layers (semantic retrieval, a model-written answer). */
  converseAsync(question: string, context?: ConversationContext, options?: TurnOptions): Promise<{ result: AnswerResult; context?: ConversationContext }>;
}

export interface TurnOptions {
  /** Passages (chunk ids, best first) a semantic search found for the question. */
  semantic?: string[];
  /** Answer only from this document (a digest's "Ask me about this"). */
  docId?: string;
  /** Show the closest passages rather than an answer (a configured model judged they do not answer). */
  closestOnly?: boolean;
}

export interface EngineOptions {
  safety: Config['safety'];
  clock: Clock;
  /** Optional model-written answers over the same passages; falls back to extractive on any failure. */
  generator?: AnswerGenerator;
  /** The trained models (default: the committed artefacts). */
  models?: LanguageModels;
  /** Semantic retrieval when an embeddings model is configured. */
  semantic?: SemanticSearch;
  /** How long the optional model layers may take (MODEL_TIMEOUT_MS). */
  modelTimeoutMs?: number;
}

const INTENT_TEXT: Record<Intent, string> = {
  help: 'I answer questions from the CSCP guidance and can manage your newsletter subscription, training bookings, the parent survey link and escalations.',
  subscribe: 'Subscribing you to the CSCP newsletter.',
  unsubscribe: 'Here is your CSCP newsletter subscription, with the button to stop it.',
  'my-subscriptions': 'Here are your newsletter subscriptions.',
  training: 'Here are the upcoming CSCP training sessions.',
  'my-training': 'Here are your training bookings.',
  survey: 'Here is the parent and carer survey link to share with families.',
  escalate: 'Opening the escalation form.',
  'my-escalations': 'Here are the escalations you have raised.',
};

/** The part of a long message that asks: its sentences with a question mark, else its last sentences. */
export function questionPart(text: string, max = 400): string {
  if (text.length <= max) return text;
  const sentences = text.split(/(?<=[.!?])\s+|\n+/).filter((s) => s.trim());
  const asks = sentences.filter((s) => s.includes('?'));
  const pick = (asks.length ? asks : sentences).slice(-3);
  let out = '';
  for (let i = pick.length - 1; i >= 0; i--) {
    if (out && out.length + pick[i].length > max) break;
    out = out ? `${pick[i]} ${out}` : pick[i];
  }
  return out.slice(0, max * 2);
}

/** Builds the index over the passages and answers from it (same path for bot, CLI and bench). */
export function createKnowledgeEngine(chunks: Chunk[], opts: EngineOptions): KnowledgeEngine {
  const models = opts.models ?? languageModels();
  const index = buildLexicalIndex(chunks);
  const neighbours = new QuestionNeighbours(models.questions.questions, chunks, (g) => index.passagesWithWords(g));
  const exchanges = models.questions.exchanges?.length ? new ExchangeNeighbours(models.questions.exchanges, chunks, (g) => index.passagesWithWords(g)) : undefined;
  const ranker = new Ranker(index, neighbours, models.ranker, undefined, undefined, exchanges);
  // What the first message would otherwise build (the command model's index of earlier messages, about 0.7 s
  // of CPU, and the readers' first use, about 0.3 s) is built now, at start-up, not while a person waits.
  const warm = viewOf('what does the partnership do about neglect?');
  checkUrgentView(models.urgent, warm);
  classifyIntentView(models.intent, warm);

  function base(partial: Partial<AnswerResult>): AnswerResult {
    return { answer: '', notFound: false, urgent: false, sources: [], followUps: [], notices: [], mode: 'none', ...partial };
  }

  const outdated = (c: Chunk) => isOutdated(c, opts.clock.now(), opts.safety.sourceMaxAgeYears);

  function signposts(): string[] {
    const s = opts.safety;
    const lines = ['You could try:', `• the CSCP website: ${s.website}`];
    if (s.trainingEmail) lines.push(`• the CSCP training inbox for anything about courses: ${s.trainingEmail}`);
    lines.push('• the threshold guidance (Effective support for children and families in Coventry, formerly Right Help Right Time) on the CSCP website, if you are deciding what level of help a family needs');
    lines.push('• type escalate to raise it with a person in the CSCP team');
    return lines;
  }

  /** A passage suggested as a further question must be at least this likely, against the answer's passage. */
  const RELATED_SHARE = 0.2;

  /** Further questions, never about a section the answer already quotes (`quoted`: the quoted passages' ids). */
  function followUps(ranking: Ranking, quoted: Set<string>): string[] {
    const top = ranking.candidates[0]?.chunk;
    if (!top) return [];
    const here = top.headingPath.join(' › ');
    const seen = new Set<string>([here, ...ranking.candidates.filter((c) => quoted.has(c.chunk.id)).map((c) => c.chunk.headingPath.join(' › '))]);
    const out: string[] = [];
    const list = index.byDoc.get(top.docId) ?? [];
    const at = list.indexOf(index.position(top) ?? -1);
    // Passages the reranker also found likely for this question first; then the sections around the answer
    // under the same top heading (a report's next section is often about something else).
    const related = ranking.candidates.slice(1, 6).filter((x) => x.p >= RELATED_SHARE * ranking.candidates[0].p).map((x) => x.chunk);
    const near = list
      .slice(Math.max(0, at - 4), at + 5)
      .filter((i) => i !== index.position(top) && chunks[i].headingPath[0] === top.headingPath[0])
      .map((i) => chunks[i]);
    for (const c of [...related, ...near]) {
      const key = c.headingPath.join(' › ');
      if (!c.headingPath.length || seen.has(key) || here.startsWith(`${key} › `)) continue;
      seen.add(key);
      const label = sectionName(c.headingPath);
      if (!label || label.length < 4) continue;
      out.push(`What does the guidance say about ${label.replace(/[?:]$/, '')}?`);
      if (out.length === 3) break;
    }
    return out;
  }

  /**
   * Fuses the reranked lexical candidates with a semantic ranking: reciprocal-rank fusion over both lists,
   * passages only the semantic search found joining with their lexical features computed.
   */
  function fuse(ranking: Ranking, semantic: string[]): void {
    const byId = new Map(ranking.candidates.map((c, i) => [c.chunk.id, { c, lex: i }]));
    const extra = semantic.filter((id) => !byId.has(id));
    if (extra.length) {
      const more = ranker.rank(ranking.query.text, undefined, ranking.query, undefined, extra).candidates.filter((c) => extra.includes(c.chunk.id));
      for (const c of more) byId.set(c.chunk.id, { c, lex: ranking.candidates.length + more.indexOf(c) });
    }
    const score = (id: string, lex: number) => {
      const s = semantic.indexOf(id);
      return 1 / (FUSION.k + lex + 1) + (s >= 0 ? FUSION.semanticWeight / (FUSION.k + s + 1) : 0);
    };
    ranking.candidates = [...byId.entries()].sort((a, b) => score(b[0], b[1].lex) - score(a[0], a[1].lex)).map(([, v]) => v.c);
  }

  function converse(
    raw: string,
    context?: ConversationContext,
    options: TurnOptions = {},
  ): { result: AnswerResult; context?: ConversationContext; searched?: string; outcome?: Ranking['outcome'] } {
    const input = guardInput(raw);
    if (input.problem === 'empty') {
      return { result: base({ answer: 'Please type a question about the CSCP guidance, or type help to see what I can do.', notFound: true, notices: ['empty'] }) };
    }
    if (input.problem === 'no-words') {
      return { result: base({ answer: 'I can only read words. Please type your question, for example: how do I make a referral to MASH?', notFound: true, notices: ['no-words'] }) };
    }
    // The reply to a message in another language carries the 999 line itself: the urgent check reads English.
    if (input.problem === 'not-english') {
      return {
        result: base({
          answer: 'I can only search the CSCP guidance in English. Please ask your question in English (a translation tool may help). If a child is in immediate danger, call 999.',
          notFound: true,
          notices: ['not-english'],
        }),
      };
    }
    // Safety first, on the whole message: a child at risk is never swallowed by a command.
    const view = viewOf(input.text);
    const urgent = checkUrgentView(models.urgent, view);
    const decision = urgent.urgent ? undefined : classifyIntentView(models.intent, view);
    const intent = decision?.intent;
    if (intent) return { result: base({ answer: INTENT_TEXT[intent], intent }) };

    const asked = questionPart(input.text);
    const resolved = resolveFollowUp(asked, context, ranker, models.followUp);
    const ranking = ranker.rank(resolved.question, undefined, resolved.query, resolved.context, undefined, options.docId);
    // Semantic hits from other documents never join an answer restricted to one document.
    const semantic = options.docId ? options.semantic?.filter((id) => id.startsWith(`${options.docId}#`)) : options.semantic;
    if (semantic?.length) fuse(ranking, semantic);
    // A follow-up is answered from the best passage (often the previous answer's, or the one after it, and the
    // next best is quoted too) when the answer model, at the follow-ups' own threshold, finds the passages answer
    // it: "and what's her direct number?" after a question about a role the guidance names but gives no number for
    // is declined like any other question the guidance does not answer.
    let outcome = ranking.outcome;
    // A digest's "Ask me about this" names the newsletter that covers it: answer from it.
    if (options.docId && ranking.candidates.length) outcome = 'answer';
    if (options.closestOnly && outcome === 'answer') outcome = 'closest';
    // A configured embeddings model that puts the same passage first is evidence the question is about it:
    // enough to show it as the closest passage (never, on its own, to answer from it).
    if (outcome === 'none' && semantic?.length && ranking.candidates.length && semantic.slice(0, 3).includes(ranking.candidates[0].chunk.id)) outcome = 'closest';
    const top = ranking.candidates.slice(0, 5);
    const preface = urgent.urgent ? emergencyPreface(urgent.risk, opts.safety) : '';
    let answer: string;
    let sources: AnswerSource[];
    let cites: string[] = [];
    // Where in each passage earlier askers of similar questions (and of similar follow-ups after the same answer)
    // found what they asked: evidence for the sentence model.
    const hints = (chunk: Chunk): [string, number][] => {
      const c = ranking.candidates.find((x) => x.chunk === chunk);
      return c ? [...(ranking.evidence?.snippetsOf(c.d) ?? []), ...(ranking.exchange?.snippetsOf(c.d) ?? [])] : [];
    };
    if (outcome === 'answer') {
      const composed = composeAnswer(ranking.query, ranking.asked, top.map((c) => ({ chunk: c.chunk, p: c.p })), index, { isOutdated: outdated, shown: resolved.isFollowUp ? resolved.context : undefined, unitModel: models.units?.model, hints });
      const order = [...composed.cited.map((r) => r.chunk), ...top.map((c) => c.chunk).filter((c) => !composed.cited.some((r) => r.chunk === c))];
      sources = order.map((c, k) => toSource(c, k + 1, top.find((x) => x.chunk === c)?.p ?? 0, outdated(c)));
      answer = composed.text;
      cites = composed.cited.map((r) => r.chunk.id);
    } else if (outcome === 'closest') {
      const near = top.slice(0, 3);
      sources = top.map((c, k) => toSource(c.chunk, k + 1, c.p, outdated(c.chunk)));
      // Each with its sentences nearest the question, so the person can judge them without opening them.
      const lines = near.flatMap((c, k) => {
        const quote = quotePassage(c.chunk, ranking.query, ranking.asked, index, 220, models.units?.model, hints);
        return quote ? [`${passageLabel(c.chunk, outdated(c.chunk))}:\n${quote} [${k + 1}]`] : [];
      });
      answer = [CLOSEST_TEXT, '', lines.join('\n\n'), '', ...signposts()].join('\n');
    } else {
      sources = top.map((c, k) => toSource(c.chunk, k + 1, c.p, outdated(c.chunk)));
      const unknown = ranking.query.terms.filter((t) => t.tid === undefined && t.expansions.length === 0).map((t) => t.surface);
      const head =
        unknown.length && unknown.length === ranking.query.terms.length
          ? `${NOT_FOUND_TEXT} (nothing in it about ${unknown
              .slice(0, 3)
              .map((m) => `“${escapeForEcho(m, 40)}”`)
              .join(', ')})`
          : NOT_FOUND_TEXT;
      answer = [head, ...signposts()].join('\n');
    }
    const notices: string[] = [];
    if (input.text.length > LONG_MESSAGE_CHARS) {
      notices.push('long');
      answer = `${LONG_MESSAGE_TEXT}\n\n${answer}`;
    }
    // (A digest item's "Ask me about this" asks about that newsletter whatever its headline's words: it is answered.)
    const quoteAfter999 = outcome === 'answer' && (urgent.score < URGENT_QUOTE_BELOW || !!options.docId);
    if (urgent.urgent) answer = quoteAfter999 ? `${preface}\n\nFrom the CSCP guidance:\n${answer}` : preface;
    const result = base({
      notices,
      answer,
      notFound: outcome !== 'answer' && !urgent.urgent,
      urgent: urgent.urgent,
      sources,
      followUps: outcome === 'answer' && (!urgent.urgent || quoteAfter999) ? followUps(ranking, new Set(cites)) : [],
      mode: 'extractive',
      ...(urgent.risk ? { risk: urgent.risk } : {}),
      // A question that may have been a command ("anything on county lines next month?") keeps its answer and is
      // offered the command too; never beside an emergency reply, nor under a digest item's "Ask me about this".
      ...(decision?.offer && !options.docId ? { offeredCommand: decision.offer } : {}),
    });
    // The topic carries over even when the answer was only "the closest I found".
    const keep = cites.length ? cites : ranking.candidates.slice(0, 2).map((c) => c.chunk.id);
    // An emergency reply that shows no passage leaves the conversation's topic as it was: the next question is
    // not read against passages the person never saw.
    const showsNothing = urgent.urgent && !quoteAfter999;
    const next: ConversationContext | undefined = keep.length && !showsNothing ? { question: asked, chunkIds: keep, at: opts.clock.now().getTime() } : context;
    return { result, context: next, searched: resolved.isFollowUp ? `${asked} ${context?.question ?? ''}` : asked, outcome };
  }

  const askExtractive = (raw: string, context?: ConversationContext) => converse(raw, context).result;

  /**
   * The turn with the optional model layers. Urgent replies and commands never wait on a model: the 999 lines
   * go out at once. Otherwise the question as searched (a follow-up with its context) is embedded and fused
   * with the lexical ranking; with a chat model, the model writes the answer from the passages, and when the
   * lexical evidence only reached "the closest I found", the model judges whether the passages answer.
   */
  async function converseAsync(raw: string, context?: ConversationContext, options: TurnOptions = {}): Promise<{ result: AnswerResult; context?: ConversationContext }> {
    const timeout = opts.modelTimeoutMs ?? 8000;
    let turn = converse(raw, context, options);
    const first = turn.result;
    if (first.urgent || first.intent || first.notices.some((n) => n !== 'long') || (!opts.semantic && !opts.generator)) return turn;
    if (opts.semantic && !options.semantic && turn.searched) {
      const hits = await within(opts.semantic.search(turn.searched), timeout);
      if (hits?.length) turn = converse(raw, context, { ...options, semantic: hits.map((h) => h.chunkId) });
    }
    const extractive = turn.result;
    const gen = opts.generator;
    if (!gen || extractive.sources.length === 0 || turn.outcome === 'none') return turn;
    const sources = turn.outcome === 'closest' ? extractive.sources.slice(0, 3) : extractive.sources;
    let text: string | undefined;
    try {
      text = await deadline(gen.generate({ question: turn.searched ?? questionPart(guardInput(raw).text), sources }), timeout, 'model answer');
    } catch {
      return turn; // the model failed or was too slow: the extractive turn stands
    }
    if (text) return { ...turn, result: { ...extractive, sources, answer: text, notFound: false, mode: 'generative' } };
    // The model read the passages and judged they do not answer: show them as the closest, not as an answer.
    return turn.outcome === 'answer' ? converse(raw, context, { ...options, closestOnly: true }) : turn;
  }

  const ask = async (raw: string, context?: ConversationContext) => (await converseAsync(raw, context)).result;

  return { index, chunks, ranker, ask, askExtractive, converse, converseAsync };
}
