/**
 * Tables and lists in answers: a table set out as "label: value" lines is quoted row by row (not run together as
 * one long sentence and cut off), and a list asked for is given in order from its opening line, without gaps.
 * The questions here were written for this test, not taken from the corpus.
 */
import type { Chunk } from '../../../src/knowledge/knowledge.types';
import { buildLexicalIndex } from '../../../src/knowledge/search/lexical-index';
import { loadFolderChunks } from '../../../src/knowledge/local-corpus';
import { composeAnswer } from '../../../src/knowledge/answer/compose';
import { unitsOf } from '../../../src/knowledge/answer/units';
import { Ranker } from '../../../src/knowledge/understand/ranker';
import { factTypesAsked } from '../../../src/knowledge/understand/fact-types';
import { languageModels } from '../../../src/knowledge/understand/language-model';
import { GUIDANCE_DIR } from '../../helpers/guidance-engine';

const chunk = (text: string): Chunk => ({ text }) as Chunk;

describe('units of a passage', () => {
  it('reads "label: value" lines as the rows of a table, each its own unit', () => {
    const units = unitsOf(chunk('Course attendance:\nFirst aid for babies: 41\nSleep safety: 17\nWater safety e-learning: 230'));
    expect(units.map((u) => u.text)).toEqual(['Course attendance:', 'First aid for babies: 41', 'Sleep safety: 17', 'Water safety e-learning: 230']);
    expect(units.slice(1).every((u) => u.isItem)).toBe(true);
    // The line after a table's last row is not part of that row.
    const after = unitsOf(chunk('First aid for babies: 41\nSleep safety: 17\nLearning events\nThree events were held'));
    expect(after.map((u) => u.text)).toEqual(['First aid for babies: 41', 'Sleep safety: 17', 'Learning events Three events were held']);
  });

  it('still joins a sentence that the page layout broke, and a lone "label: value" line stays a sentence', () => {
    const units = unitsOf(chunk('The city has a median age of\n35 years, younger than the national average.\nNote: figures from 2021'));
    expect(units.map((u) => u.text)).toEqual(['The city has a median age of 35 years, younger than the national average.', 'Note: figures from 2021']);
    expect(units.some((u) => u.isItem)).toBe(false);
  });
});

describe('answers from tables and lists (bundled guidance, learned sentence model)', () => {
  let ranker: Ranker;
  let index: ReturnType<typeof buildLexicalIndex>;
  let chunks: Chunk[];
  beforeAll(async () => {
    ({ chunks } = await loadFolderChunks(GUIDANCE_DIR));
    index = buildLexicalIndex(chunks);
    ranker = new Ranker(index);
  });
  const answer = (question: string, c: Chunk) =>
    composeAnswer(ranker.query(question), factTypesAsked(question), [{ chunk: c, p: 0.9 }], index, { isOutdated: () => false, unitModel: languageModels().units!.model }).text;

  it("gives the row of a course-attendance table that the question names, though it is near the table's end", () => {
    const table = chunks.find((c) => /Pathway to Change: 68/.test(c.text))!;
    const text = answer('how many people went on the pathway to change course last year?', table);
    expect(text).toContain('Pathway to Change: 68');
    // Only that row: not the table's first rows around it.
    expect(text).not.toContain('Safeguarding Awareness E-Learning');
  });

  it('quotes the list a "who are the…" question asks for, from its opening line, even when another sentence matches better', () => {
    const c = chunks.find((x) => /appointed the following Delegated Safeguarding Partners/.test(x.text) && /Chief Nursing Officer/.test(x.text))!;
    const text = answer('who are the delegated safeguarding partners?', c);
    const at = ['have appointed the following', "Director of Children's Services", 'Chief Superintendent', 'Chief Nursing Officer'].map((s) => text.indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('gives a long list asked for in order, without skipping items in the middle', () => {
    const c = chunks.find((x) => /^The following agencies are 'relevant agencies'/.test(x.text))!;
    const text = answer('can you list every relevant agency?', c);
    const items = text.split('\n').filter((l) => l.startsWith('• ') && !l.includes('more in the passage'));
    const source = c.text.split('\n').filter((l) => l.startsWith('- ')).map((l) => l.slice(2));
    expect(items.length).toBeGreaterThanOrEqual(12);
    // The items quoted are the list's first ones, in its order.
    expect(items.map((l) => l.slice(2))).toEqual(source.slice(0, items.length));
  });
});
