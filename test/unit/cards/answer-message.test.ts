/**
 * The answer as Teams shows it: each line its own paragraph, and only the line that introduces a quoted passage
 * (the first line of each block) in bold — never a quoted line of the guidance that happens to look like one.
 */
import { buildAnswerMessage } from '../../../cards/answer.message';
import type { AnswerResult } from '../../../src/knowledge/knowledge.types';
import { validateCard } from '../../helpers/card-validator';

const result = (answer: string): AnswerResult => ({ answer, notFound: false, urgent: false, sources: [], followUps: [], notices: [], mode: 'none' }) as AnswerResult;

describe('the answer message text', () => {
  it('sets each passage label in bold, and nothing the passage says', () => {
    const text = buildAnswerMessage(
      result(
        'From the CSCP Annual Report 2024-2025 — Early help:\nFrom the age of 16, young people can:\n• ask for their own assessment [1]\n\nAlso in the same section:\nThe team meets monthly. [2]',
      ),
    ).text;
    expect(text).toBe(
      '**From the CSCP Annual Report 2024-2025 — Early help:**\n\nFrom the age of 16, young people can:\n\n• ask for their own assessment [1]\n\n**Also in the same section:**\n\nThe team meets monthly. [2]',
    );
  });

  it('leaves an urgent answer’s 999 line as the first, bold line', () => {
    const text = buildAnswerMessage({ ...result('If a child is in immediate danger, call 999.\n\nFrom the CSCP multi-agency arrangements — MASH:\nRefer to the MASH. [1]'), urgent: true }).text;
    expect(text?.startsWith('**If a child is in immediate danger, call 999.**\n\n**From the CSCP multi-agency arrangements — MASH:**\n\nRefer')).toBe(true);
  });
});

describe('a command offered under the answer', () => {
  const cardOf = (r: AnswerResult) => (buildAnswerMessage(r).attachments?.[0] as { content: Record<string, unknown> } | undefined)?.content;
  const submits = (card: unknown): { title: string; data: unknown }[] => {
    const out: { title: string; data: unknown }[] = [];
    JSON.stringify(card, (_k, v) => {
      if (v && typeof v === 'object' && (v as { type?: string }).type === 'Action.Submit') out.push(v as { title: string; data: unknown });
      return v;
    });
    return out;
  };
  const withFollowUp = (r: AnswerResult): AnswerResult => ({ ...r, followUps: ['Who chairs the partnership?'] });

  it('is one button that runs the command, on a card that passes the Adaptive Card 1.5 schema', () => {
    for (const intent of ['training', 'my-escalations', 'survey'] as const) {
      // Even a "not found" reply with no sources carries the card with the offer.
      const card = cardOf({ ...result('I couldn’t find that in the CSCP guidance.'), notFound: true, offeredCommand: intent });
      expect(card).toBeDefined();
      expect(validateCard(card)).toEqual([]);
      expect(JSON.stringify(card)).toContain('Or did you want me to:');
      expect(submits(card)).toEqual([expect.objectContaining({ data: { verb: 'command', intent } })]);
    }
  });

  it('never unsubscribes in one tap: a newsletter to stop is offered as the person’s subscriptions', () => {
    const card = cardOf({ ...result('The newsletter is sent out on a quarterly basis. [1]'), offeredCommand: 'unsubscribe' });
    expect(submits(card)).toEqual([{ type: 'Action.Submit', title: 'Manage my newsletter subscription', data: { verb: 'command', intent: 'my-subscriptions' } }]);
  });

  it('is never shown beside an emergency reply, and a reply without one has no such line', () => {
    // Both carry a card (a follow-up question), so only the offer can differ.
    const urgent = cardOf(withFollowUp({ ...result('If a child is in immediate danger, call 999.'), urgent: true, offeredCommand: 'escalate' }));
    expect(urgent).toBeDefined();
    expect(JSON.stringify(urgent)).not.toContain('Or did you want me to');
    expect(JSON.stringify(cardOf(withFollowUp({ ...result('If a child is in immediate danger, call 999.'), offeredCommand: 'escalate' })))).toContain('Or did you want me to');
    expect(JSON.stringify(cardOf(withFollowUp(result('The team meets monthly.'))))).not.toContain('Or did you want me to');
  });
});
