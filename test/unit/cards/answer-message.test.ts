/**
 * The answer as Teams shows it: each line its own paragraph, and only the line that introduces a quoted passage
 * (the first line of each block) in bold — never a quoted line of the guidance that happens to look like one.
 */
import { buildAnswerMessage } from '../../../cards/answer.message';
import type { AnswerResult } from '../../../src/knowledge/knowledge.types';

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
