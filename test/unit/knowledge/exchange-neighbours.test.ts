/**
 * Evidence from earlier follow-up exchanges: only those asked after an answer from the same passage count, each
 * passage is read from the follow-ups it answered (how close the nearest is worded, and what share of the
 * follow-ups there it answered), out-of-scope follow-ups there are evidence against answering, and a writer's own
 * exchanges can be left out (training).
 */
import type { Chunk } from '../../../src/knowledge/knowledge.types';
import { ExchangeNeighbours, type StoredExchange } from '../../../src/knowledge/understand/neighbours';
import { viewOf } from '../../../src/knowledge/understand/message-features';

/** Every word's stem, as the ranker reads a follow-up. */
const stems = (text: string) => viewOf(text).stems;

const chunk = (id: string, text: string): Chunk => ({ id, docId: 'd', title: 'T', kind: 'guidance', published: '2025', headingPath: [], text }) as unknown as Chunk;

describe('exchange neighbours', () => {
  const chunks = [
    chunk('c0', 'The lead safeguarding partners are the council, the police and the health board.'),
    chunk('c1', 'The delegated partners meet monthly as the executive group.'),
    chunk('c2', 'The independent scrutineer reviews the arrangements every year.'),
    chunk('c3', 'Neglect training is offered each term.'),
  ];
  const x = (id: string, writer: string, context: string, second: string, gold?: string): StoredExchange => ({
    id,
    writer,
    context: [context],
    kind: gold ? 'answerable' : 'out_of_scope',
    stems: stems(second),
    ...(gold ? { gold: [gold] } : {}),
  });
  const stored = [
    x('a', 'w1', 'lead safeguarding partners are', 'and how often do they meet', 'meet monthly'),
    x('b', 'w2', 'lead safeguarding partners are', 'how often do the partners get together', 'meet monthly'),
    x('c', 'w3', 'lead safeguarding partners are', 'who checks their work', 'independent scrutineer'),
    x('d', 'w4', 'lead safeguarding partners are', 'and what are their direct phone numbers'),
    // The same words asked after another passage: no evidence for a follow-up to the partners' passage.
    x('e', 'w5', 'Neglect training is offered', 'and how often do they meet', 'independent scrutineer'),
  ];
  const n = new ExchangeNeighbours(stored, chunks);

  it('reads the passages from follow-ups asked in the same context only', () => {
    const ev = n.evidence(stems('and how often do they meet?'), [0]);
    expect(ev.matched).toBe(4);
    expect(ev.simOf(1)).toBeCloseTo(1, 6);
    // The scrutineer passage answered a differently worded follow-up here; the identical wording after the
    // training passage does not count.
    expect(ev.simOf(2)).toBeLessThan(0.5);
    expect(ev.shareOf(1)).toBeCloseTo(2 / 3, 6);
    expect(ev.shareOf(2)).toBeCloseTo(1 / 3, 6);
    expect(ev.shareOf(3)).toBe(0);
    expect(ev.nearest(0.5, 5).map(([d]) => d)).toEqual([1]);
    expect(n.evidence(stems('and how often do they meet?'), [3]).simOf(2)).toBeCloseTo(1, 6);
  });

  it('knows the out-of-scope follow-ups asked there, and nothing in a context nobody followed up', () => {
    const ev = n.evidence(stems('what are their phone numbers'), [0]);
    expect(ev.outOfScope).toBeGreaterThan(0.5);
    expect(ev.outOfScope).toBeGreaterThan(ev.answerable);
    const none = n.evidence(stems('and how often do they meet?'), [2]);
    expect(none.matched).toBe(0);
    expect(none.simOf(1)).toBe(0);
    expect(none.nearest(0, 5)).toEqual([]);
  });

  it('leaves a writer out', () => {
    const ev = n.evidence(stems('and how often do they meet?'), [0], 'w1');
    expect(ev.matched).toBe(3);
    expect(ev.simOf(1)).toBeLessThan(1);
    expect(ev.shareOf(1)).toBeCloseTo(1 / 2, 6);
  });
});
