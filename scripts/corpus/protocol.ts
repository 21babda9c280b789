/**
 * The message corpus's protocol as data (test/fixtures/messages/README.md): the kinds, risk categories and
 * intents a line may carry, and the checks each line must pass. Shared by the corpus test and the writers'
 * validator (check-batch.ts), so a new batch is held to the same rules as the committed ones.
 */
import { foldText, type CorpusMessage } from '../../src/knowledge/understand/corpus';

export const MESSAGE_KINDS = ['answerable', 'out_of_scope', 'urgent', 'topic', 'command', 'greeting', 'followup'];
export const RISK_CATEGORIES = [
  'physical-abuse', 'sexual-abuse', 'emotional-abuse', 'neglect-abandonment', 'domestic-abuse-now', 'fgm-forced-marriage', 'honour-based-abuse',
  'exploitation', 'trafficking', 'radicalisation', 'missing', 'self-harm-suicide', 'medical-emergency', 'carer-unfit', 'alone-dangerous-place', 'weapon',
  'online-grooming-meeting',
];
export const INTENT_NAMES = ['help', 'subscribe', 'unsubscribe', 'my-subscriptions', 'training', 'my-training', 'survey', 'escalate', 'my-escalations'];

/** What is wrong with one line by the protocol's fields (not its gold snippets, which need the passages). */
export function lineProblems(m: CorpusMessage): string[] {
  const out: string[] = [];
  const id = m.id || '(no id)';
  for (const k of ['id', 'split', 'writer', 'persona', 'style', 'kind'] as const) if (!m[k]) out.push(`${id}: missing "${k}"`);
  if (m.id && m.writer && !m.id.startsWith(`${m.writer}-`)) out.push(`${id}: the id is <writer>-<n>`);
  if (m.kind && !MESSAGE_KINDS.includes(m.kind)) out.push(`${id}: kind "${m.kind}" is not one of ${MESSAGE_KINDS.join(', ')}`);
  if (m.split && m.split !== 'train' && m.split !== 'heldback') out.push(`${id}: split is train or heldback`);
  if (m.kind !== 'followup' && !m.message?.trim()) out.push(`${id}: empty message`);
  if ((m.kind === 'urgent' || m.kind === 'topic') && !RISK_CATEGORIES.includes(m.risk ?? '')) out.push(`${id}: risk "${m.risk}" is not a category`);
  if (m.kind === 'command' && !INTENT_NAMES.includes(m.intent ?? '')) out.push(`${id}: intent "${m.intent}" is not one of ${INTENT_NAMES.join(', ')}`);
  if (m.kind === 'out_of_scope' && !m.near) out.push(`${id}: an out-of-scope line says what it is "near"`);
  if (m.kind === 'followup' && m.turns?.length !== 2) out.push(`${id}: a follow-up has two turns`);
  return out;
}

/** A batch file's lines, with what is wrong in them: bad JSON, the protocol's fields, ids, one split and writer. */
export function readBatch(text: string): { messages: CorpusMessage[]; problems: string[] } {
  const messages: CorpusMessage[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      messages.push(JSON.parse(line) as CorpusMessage);
    } catch {
      problems.push(`line ${i + 1}: not one JSON object`);
    }
  });
  const ids = new Set<string>();
  for (const m of messages) {
    problems.push(...lineProblems(m));
    if (ids.has(m.id)) problems.push(`${m.id}: id used twice`);
    ids.add(m.id);
  }
  for (const k of ['split', 'writer'] as const) if (new Set(messages.map((m) => m[k])).size > 1) problems.push(`a batch is all one ${k}`);
  return { messages, problems };
}

/**
 * What is wrong with one turn's gold snippets and facts: none, or not all in one indexed passage, or a fact not in a
 * passage holding them. `passages` are the indexed passages' texts folded with `foldText`.
 */
export function goldProblems(id: string, gold: string[] | undefined, facts: string[] | undefined, passages: readonly string[]): string[] {
  if (!gold?.length) return [`${id}: needs 1–2 gold snippets`];
  const holding = passages.filter((p) => gold.every((g) => p.includes(foldText(g))));
  if (!holding.length) return [`${id}: gold not verbatim in one passage: ${gold.map((g) => g.slice(0, 60)).join(' | ')}`];
  return (facts ?? []).filter((f) => !holding.some((p) => p.includes(foldText(f)))).map((f) => `${id}: fact not in the gold passage: ${f}`);
}
