/**
 * Which passages an answer quotes: after the best, another that the reranker finds at least a quarter as likely
 * to answer — also another paragraph of the same section, introduced as such — but never a third paragraph of
 * one section; and never a bare "click here" whose link the passage's text lost. (A passage the reranker is
 * unsure between should be in front of the reader, not behind "Sources".)
 */
import type { Chunk } from '../../../src/knowledge/knowledge.types';
import { buildLexicalIndex } from '../../../src/knowledge/search/lexical-index';
import { composeAnswer, SAME_SECTION } from '../../../src/knowledge/answer/compose';
import { Ranker } from '../../../src/knowledge/understand/ranker';
import { factTypesAsked } from '../../../src/knowledge/understand/fact-types';

const passage = (ordinal: number, section: string, text: string, docId = 'arrangements'): Chunk => ({
  id: `${docId}#${ordinal}`,
  docId,
  ordinal,
  headingPath: [section],
  text,
  title: docId === 'arrangements' ? 'Multi-agency safeguarding arrangements' : 'Annual report 2024-2025',
  kind: 'guidance',
  published: '2025-01-01',
  url: '',
});

const chunks = [
  passage(1, 'Independent scrutiny', 'The independent scrutineer reviews how well the partners work together each year.'),
  passage(2, 'Independent scrutiny', 'The scrutineer reports to the Lead Safeguarding Partners and publishes a yearly letter.'),
  passage(3, 'Independent scrutiny', 'Scrutiny activity includes multi-agency audits and focus groups with frontline staff.'),
  passage(4, 'Scrutiny findings', 'This year the scrutineer found that information sharing had improved across agencies.', 'annual-report'),
];

/** The answer to `question` from `ranked`, over an index of `indexed` passages. */
const answerFrom = (indexed: Chunk[], question: string, ranked: { chunk: Chunk; p: number }[]) => {
  const index = buildLexicalIndex(indexed);
  return composeAnswer(new Ranker(index).query(question), factTypesAsked(question), ranked, index, { isOutdated: () => false });
};

describe('passages quoted in an answer', () => {
  const compose = (ranked: { chunk: Chunk; p: number }[]) => answerFrom(chunks, 'who does the independent scrutineer report to?', ranked);

  it('quotes another paragraph of the same section when it is nearly as likely, under its own marker', () => {
    const out = compose([
      { chunk: chunks[0], p: 0.6 },
      { chunk: chunks[1], p: 0.3 },
    ]);
    expect(out.cited.map((r) => r.chunk.id)).toEqual(['arrangements#1', 'arrangements#2']);
    expect(out.text).toContain('reports to the Lead Safeguarding Partners');
    expect(out.text).toContain(`${SAME_SECTION}:\nThe scrutineer reports`);
    // The section's label is said once.
    expect(out.text.split('Independent scrutiny').length - 1).toBe(1);
  });

  it('quotes a passage from elsewhere at a quarter of the best one’s probability, not below', () => {
    const at = compose([
      { chunk: chunks[0], p: 0.8 },
      { chunk: chunks[3], p: 0.21 },
    ]);
    expect(at.cited.map((r) => r.chunk.id)).toEqual(['arrangements#1', 'annual-report#4']);
    expect(at.text).toContain('From the Annual report 2024-2025 — Scrutiny findings:');
    const below = compose([
      { chunk: chunks[0], p: 0.8 },
      { chunk: chunks[3], p: 0.19 },
    ]);
    expect(below.cited.map((r) => r.chunk.id)).toEqual(['arrangements#1']);
  });

  it('never quotes a sentence that only points at a link the text does not carry', () => {
    const c = passage(5, 'Neglect toolkit', 'A multi-agency neglect toolkit helps professionals identify neglect. The toolkit contains case studies and actions to take. To find out more please click here.');
    const out = answerFrom([...chunks, c], 'what is in the neglect toolkit?', [{ chunk: c, p: 0.9 }]);
    expect(out.text).toContain('The toolkit contains case studies');
    expect(out.text).not.toContain('click here');
  });

  it('gives a quoted sentence that points back ("The toolkit…") the sentence it points to, when there is room', () => {
    const c = passage(6, 'Neglect', 'Probation staff complete neglect training every year.\nThe partnership met in March.\nA new toolkit was written by partners.\nThe toolkit contains case studies for probation staff.');
    const out = answerFrom([...chunks, c], 'is there neglect training for probation staff?', [{ chunk: c, p: 0.9 }]);
    expect(out.text).toContain('Probation staff complete neglect training every year.');
    expect(out.text).toContain('The toolkit contains case studies');
    // (it shares no word with the question: only the pointing back brings it in)
    expect(out.text).toContain('A new toolkit was written by partners.');
    expect(out.text).not.toContain('met in March');
  });

  it('labels a second passage of a newsletter (no headings) by its document, not as "the same section"', () => {
    const news = (ordinal: number, text: string): Chunk => ({ ...passage(ordinal, 'x', text, 'newsletter'), headingPath: [], title: 'CSCP practitioner newsletter (spring 2025)', kind: 'newsletter' });
    const a = news(1, 'The scrutineer will visit schools this spring to look at safeguarding audits.');
    const b = news(2, 'The scrutineer reports to the Lead Safeguarding Partners on what the audits found.');
    const out = answerFrom([a, b], 'who does the scrutineer report to?', [{ chunk: b, p: 0.6 }, { chunk: a, p: 0.4 }]);
    expect(out.cited).toHaveLength(2);
    expect(out.text).not.toContain(SAME_SECTION);
    expect(out.text.match(/^From the CSCP practitioner newsletter \(spring 2025\):$/gm)).toHaveLength(2);
  });

  it('never quotes a third paragraph of one section', () => {
    const out = compose([
      { chunk: chunks[0], p: 0.5 },
      { chunk: chunks[1], p: 0.45 },
      { chunk: chunks[2], p: 0.4 },
    ]);
    expect(out.cited.map((r) => r.chunk.id)).toEqual(['arrangements#1', 'arrangements#2']);
  });
});

describe('a unit too long to show whole', () => {
  // A page layout's run of figures, joined into one line with no full stop (as the annual report's area profile is).
  const figures = [
    '71,894 of the population were children and young people aged under 18',
    '237,928 (66%) were of working age 18 - 64',
    '50,880 (14%) were aged 65 and over',
    'the percentage of neighbourhoods among the most deprived in England fell from 18.5% to 14.4% between 2015 and 2019',
    'the city ranked 64th nationally in 2019, an improvement on its ranking of 46th in 2015',
    'Coventry is a young city with a median age of 35 years compared with a national average of 40 years',
  ].join(' ');
  const long = passage(9, 'Area profile', figures, 'annual-report');
  const answer = (question: string) => answerFrom([long, ...chunks], question, [{ chunk: long, p: 0.9 }]).text;

  it('is shown from the stretch that shares the question\'s words, marked as cut', () => {
    expect(figures.length).toBeGreaterThan(400);
    const text = answer('what is the median age in coventry compared with the national average?');
    expect(text).toContain('median age of 35 years compared with a national average of 40 years');
    expect(text).toMatch(/…[^\n]*median age/);
  });

  it('is shown from its start when the question matches its start', () => {
    const text = answer('how many children and young people under 18 live in the city?');
    expect(text).toContain('71,894 of the population were children');
    expect(text).not.toMatch(/^…/m);
  });
});

describe("a follow-up's passages (found by a fresh-eyes review)", () => {
  const doc = (id: string, section: string, text: string): Chunk => ({ ...passage(1, section, text, id), id: `${id}#1` });

  it('quotes the passage it has not seen even after a long one it has, with one shown between them', () => {
    const board = doc(
      'a',
      'Board',
      'The partnership board meets every month to review the work of its groups and agree the priorities for safeguarding children in the city, and this is a long sentence that goes on for a while to fill the room with more words about the board and how it meets and what it does in the year ahead for all of them here. The board also meets every week in a smaller form, with the chairs of its groups, to review the work of the partnership board and its budget for the year and the priorities and its many plans too.',
    );
    const groups = doc('b', 'Groups', 'The groups meet every quarter to review training.');
    const exec = doc('c', 'Exec', 'The executive meets every fortnight to review the board.');
    const index = buildLexicalIndex([board, groups, exec]);
    const question = 'how often does the board meet?';
    const r = composeAnswer(new Ranker(index).query(question), factTypesAsked(question), [board, groups, exec].map((chunk, i) => ({ chunk, p: [0.9, 0.6, 0.5][i] })), index, {
      isOutdated: () => false,
      shown: ['a#1', 'b#1'],
    });
    expect(r.cited.map((x) => x.chunk.id)).toContain('c#1');
  });

  it('does not quote a list’s opening line again with nothing under it', () => {
    const list = 'The delegated safeguarding partners are:\n- the local authority\n- the police\n- the integrated care board';
    const a = doc('a', 'Partners', list);
    const b = doc('b', 'Arrangements', `${list}\nOther text about something unrelated entirely here.`);
    const index = buildLexicalIndex([a, b]);
    const question = 'who are the delegated safeguarding partners?';
    const r = composeAnswer(new Ranker(index).query(question), factTypesAsked(question), [a, b].map((chunk, i) => ({ chunk, p: [0.9, 0.8][i] })), index, { isOutdated: () => false });
    expect(r.text.split('The delegated safeguarding partners are:').length - 1).toBe(1);
  });

  it('keeps at most two paragraphs of one section when the unseen one is a third', () => {
    const [s1, s2, s3] = chunks;
    const index = buildLexicalIndex(chunks);
    const question = 'who does the independent scrutineer report to?';
    const r = composeAnswer(new Ranker(index).query(question), factTypesAsked(question), [s1, s2, s3].map((chunk, i) => ({ chunk, p: [0.9, 0.8, 0.7][i] })), index, {
      isOutdated: () => false,
      shown: [s1.id, s2.id],
    });
    const ids = r.cited.map((x) => x.chunk.id);
    expect(ids).toContain(s3.id);
    expect(ids.filter((id) => id.startsWith('arrangements#')).length).toBeLessThanOrEqual(2);
  });
});
