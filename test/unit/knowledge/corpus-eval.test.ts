/**
 * The corpus scorer: a two-turn exchange whose second turn the guidance does not answer is right only when the
 * bot declines it, and it is counted apart from the follow-ups that should be answered.
 */
import type { AnswerResult, AnswerSource } from '../../../src/knowledge/knowledge.types';
import type { CorpusMessage } from '../../../src/knowledge/understand/corpus';
import { evaluateCorpus, formatFigures } from '../../../src/knowledge/understand/corpus-eval';

const source = (text: string, n: number): AnswerSource =>
  ({ n, title: 't', section: '', published: '2025-01', url: '', text, score: 1, chunkId: `d#${n}`, outdated: false }) as AnswerSource;
const answered = (text: string): AnswerResult => ({ answer: `From the guidance:\n${text} [1]`, notFound: false, urgent: false, sources: [source(text, 1)], followUps: [], notices: [], mode: 'extractive' });
const declined = (text: string): AnswerResult => ({ answer: "I couldn't find a direct answer", notFound: true, urgent: false, sources: [source(text, 1)], followUps: [], notices: [], mode: 'extractive' });

const exchange = (id: string, second: CorpusMessage['turns'] extends (infer T)[] | undefined ? T : never): CorpusMessage => ({
  id,
  split: 'heldback',
  writer: 'x',
  persona: 'DSL',
  style: 'plain',
  kind: 'followup',
  message: second.message,
  turns: [{ message: 'who chairs the partnership?', gold: ['The Partnership Chair chairs it'], facts: [] }, second],
});

describe('scoring follow-ups', () => {
  const passage = 'The Partnership Chair chairs it. It meets every month.';
  const messages = [
    exchange('a', { message: 'and how often does it meet', gold: ['It meets every month'], facts: ['every month'] }),
    exchange('b', { message: 'whats her direct number', out_of_scope: true, near: 'chair contact' }),
    exchange('c', { message: 'and her email?', out_of_scope: true, near: 'chair contact' }),
  ];

  it('counts an out-of-scope second turn as right only when it is declined, apart from the answerable ones', () => {
    // The bot answers everything from the one passage except "whats her direct number".
    const figs = evaluateCorpus(messages, { ask: (m) => ({ result: /number/.test(m) ? declined(passage) : answered(passage) }) }).heldback;
    expect(figs.followups).toEqual({ n: 1, right: 1 });
    expect(figs.followupsOutOfScope).toEqual({ n: 2, declined: 1 });
    expect(figs.misses).toEqual([expect.stringMatching(/^c followup out-of-scope answered/)]);
    expect(figs.nonUrgent.n).toBe(3);
    expect(formatFigures({ train: figs, heldback: figs })).toMatch(/out-of-scope follow-ups declined\s+50\.0% \(1\/2\)/);
  });

  it('an answerable second turn that is declined is a miss', () => {
    const figs = evaluateCorpus(messages.slice(0, 1), { ask: () => ({ result: declined(passage) }) }).heldback;
    expect(figs.followups).toEqual({ n: 1, right: 0 });
    expect(figs.followupsOutOfScope).toEqual({ n: 0, declined: 0 });
  });
});
