/**
 * Evidence from earlier questions: for each passage, the highest similarity of an earlier question it answered
 * and the sum of the three highest; the passages such questions point at, most similar first.
 */
import type { Chunk } from '../../../src/knowledge/knowledge.types';
import { contentStems, QuestionNeighbours, type StoredQuestion } from '../../../src/knowledge/understand/neighbours';

const chunk = (id: string, text: string): Chunk => ({ id, docId: 'd', title: 'T', kind: 'guidance', published: '2025', headingPath: [], text }) as unknown as Chunk;

describe('question neighbours', () => {
  const chunks = [chunk('c0', 'The partnership chair is the assistant chief constable.'), chunk('c1', 'Training needs are analysed every year.'), chunk('c2', 'The partnership chair is the assistant chief constable.')];
  const q = (id: string, text: string, gold?: string, writer = 'w'): StoredQuestion => ({ id, writer, kind: gold ? 'answerable' : 'out_of_scope', stems: contentStems(text), ...(gold ? { gold: [gold] } : {}) });
  const stored = [
    q('a', 'who chairs the partnership', 'partnership chair is', 'w1'),
    q('b', 'who is the chair of the safeguarding partnership', 'partnership chair is', 'w2'),
    q('c', 'partnership chair name please', 'partnership chair is', 'w3'),
    q('d', 'chair of partnership meetings', 'partnership chair is', 'w4'),
    q('e', 'how are training needs decided', 'Training needs are analysed', 'w5'),
    q('f', 'what is the weather', undefined, 'w6'),
  ];
  const n = new QuestionNeighbours(stored, chunks);

  it('reads each passage from the questions it answered: highest similarity and the sum of the three highest', () => {
    const ev = n.evidence(contentStems('who chairs the partnership'));
    // Both copies of the chair passage carry the same evidence; the training passage none from these words.
    expect(ev.simOf(0)).toBeCloseTo(1, 6);
    expect(ev.simOf(2)).toBe(ev.simOf(0));
    expect(ev.simOf(1)).toBe(0);
    const sims = stored.slice(0, 4).map((s) => n.evidence(s.stems).simOf(0));
    expect(sims.every((s) => s > 0)).toBe(true);
    expect(ev.sum3Of(0)).toBeGreaterThan(ev.simOf(0));
    expect(ev.sum3Of(0)).toBeLessThanOrEqual(3);
    expect(ev.answerable).toBeCloseTo(1, 6);
    // Leaving the writer out removes its own question from the evidence.
    expect(n.evidence(contentStems('who chairs the partnership'), 'w1').simOf(0)).toBeLessThan(1);
  });

  it('gives the snippets earlier askers marked as their answer in a passage, with their similarity (for the sentence model)', () => {
    const ev = n.evidence(contentStems('who chairs the partnership'));
    const snippets = ev.snippetsOf(0);
    expect(snippets.map(([g]) => g)).toEqual(['partnership chair is', 'partnership chair is', 'partnership chair is', 'partnership chair is']);
    expect(Math.max(...snippets.map(([, sim]) => sim))).toBeCloseTo(1, 6);
    expect(ev.snippetsOf(1)).toEqual([]);
    expect(n.evidence(contentStems('who chairs the partnership'), 'w1').snippetsOf(0)).toHaveLength(3);
  });

  it('lists the passages earlier questions point at, most similar first, above a minimum and up to a count', () => {
    const ev = n.evidence(contentStems('who chairs the partnership'));
    const all = ev.nearest(0.01, 10);
    expect(all.map(([d]) => d).sort()).toEqual([0, 2]);
    expect(all[0][1]).toBeGreaterThanOrEqual(all[1][1]);
    expect(ev.nearest(0.01, 1)).toHaveLength(1);
    expect(ev.nearest(1.01, 10)).toEqual([]);
    const training = n.evidence(contentStems('how are training needs decided')).nearest(0.25, 5);
    expect(training[0][0]).toBe(1);
  });

  it('counts the three most similar askers exactly, and keeps passages of equal similarity in the order first met', () => {
    // Questions worded exactly as the query are similarity 1, so the figures are exact.
    const same = (id: string, writer: string, gold: string): StoredQuestion => q(id, 'who chairs the partnership', gold, writer);
    const four = new QuestionNeighbours([same('1', 'a', 'partnership chair is'), same('2', 'b', 'partnership chair is'), same('3', 'c', 'partnership chair is'), same('4', 'd', 'partnership chair is'), same('5', 'e', 'Training needs are analysed')], chunks);
    const ev = four.evidence(contentStems('who chairs the partnership'));
    expect(ev.simOf(0)).toBeCloseTo(1, 9);
    expect(ev.sum3Of(0)).toBeCloseTo(3, 9);
    expect(ev.sum3Of(1)).toBeCloseTo(1, 9);
    expect(four.evidence(contentStems('who chairs the partnership'), 'a').sum3Of(0)).toBeCloseTo(3, 9);
    const two = new QuestionNeighbours([same('1', 'a', 'partnership chair is'), same('2', 'b', 'partnership chair is')], chunks);
    expect(two.evidence(contentStems('who chairs the partnership')).sum3Of(0)).toBeCloseTo(2, 9);
    expect(two.evidence(contentStems('who chairs the partnership'), 'a').sum3Of(0)).toBeCloseTo(1, 9);
    // Equal similarities: the passages in the order the questions met them (c0 before its copy c2, then c1).
    expect(ev.nearest(0.25, 10).map(([d]) => d)).toEqual([0, 2, 1]);
  });
});
