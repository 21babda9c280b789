/**
 * Learned term weights: a word that training questions use but their right passages do not contain ("kid",
 * "mention") counts for less when matching; a word seldom used in training keeps its weight; a writer's own
 * questions are left out of the weights their questions get in training.
 */
import type { Chunk } from '../../../src/knowledge/knowledge.types';
import type { CorpusMessage } from '../../../src/knowledge/understand/corpus';
import { buildLexicalIndex } from '../../../src/knowledge/search/lexical-index';
import { Ranker } from '../../../src/knowledge/understand/ranker';
import { learnNecessity, NECESSITY_FLOOR, TermNecessity } from '../../../src/knowledge/understand/term-necessity';

const base = { docId: 'report', title: 'Annual report', url: '', published: '2025-09-01', kind: 'report' } as const;
const chunk = (ordinal: number, heading: string, text: string): Chunk => ({ ...base, id: `report#${ordinal}`, ordinal, headingPath: [heading], text }) as unknown as Chunk;
const CHUNKS = [
  chunk(0, 'Board meetings', 'The board meets every quarter to review the partnership budget.'),
  chunk(1, 'Neglect toolkit', 'The neglect toolkit helps practitioners assess the care a child receives at home.'),
  chunk(2, 'Running events', 'The partnership runs learning events for kids clubs and youth groups every month.'),
  chunk(3, 'Exploitation strategy', 'The exploitation strategy sets out how partners disrupt criminal exploitation.'),
];
const index = buildLexicalIndex(CHUNKS);
const ask = (id: string, writer: string, message: string, gold: string): CorpusMessage =>
  ({ id, split: 'train', writer, persona: 'dsl', style: 'plain', kind: 'answerable', message, gold: [gold] }) as CorpusMessage;
const TRAIN: CorpusMessage[] = [
  ask('a1', 'wa', 'my kid mentioned the board, how often does it meet', 'The board meets every quarter'),
  ask('a2', 'wa', 'kid at school mentioned a neglect toolkit, where is it', 'The neglect toolkit helps'),
  ask('b1', 'wb', 'a kid mentioned the exploitation strategy, what does it say', 'The exploitation strategy sets out'),
  ask('b2', 'wb', 'is there a neglect toolkit for assessing care', 'The neglect toolkit helps'),
  ask('c1', 'wc', 'kid mentioned budget, who reviews the budget', 'The board meets every quarter'),
  ask('d1', 'wd', 'does a kid get assessed with the neglect toolkit', 'The neglect toolkit helps'),
  ask('d2', 'wd', 'what does the kid strategy on exploitation say', 'The exploitation strategy sets out'),
  ask('e1', 'we', 'kid budget review by the board?', 'The board meets every quarter'),
  ask('e2', 'we', 'the kid toolkit for neglect', 'The neglect toolkit helps'),
];

describe('term necessity', () => {
  const ranker = new Ranker(index);
  const necessity = learnNecessity(TRAIN, index, (text) => ranker.query(text));

  it('weights a word the right passages seldom contain below one the right passages always contain', () => {
    const kid = necessity.multiplier('kid');
    const toolkit = necessity.multiplier('toolkit');
    expect(toolkit).toBe(1);
    expect(kid).toBeLessThan(0.5);
    expect(kid).toBeGreaterThanOrEqual(NECESSITY_FLOOR);
    // "kid" is in passage 2 ("kids clubs") but never in the right passage of a question that uses it
    expect(necessity.toJSON().terms.kid).toEqual([8, 0]);
  });

  it('keeps the full weight of a word used fewer than three times in training, and of one never seen', () => {
    expect(necessity.toJSON().terms.assess).toBeUndefined();
    // "strategy" is in two questions (too few to weigh), "toolkit" in four (always in the right passage)
    expect(necessity.toJSON().terms.strategi).toBeUndefined();
    expect(necessity.multiplier('strategi')).toBe(1);
    expect(necessity.toJSON().terms.toolkit).toEqual([4, 4]);
    expect(necessity.multiplier('assess')).toBe(1);
    expect(necessity.multiplier('balcony')).toBe(1);
  });

  it("leaves a writer's own questions out of the weights their questions get", () => {
    const [n, k] = necessity.toJSON().terms.kid;
    // without writer wa's two uses, six questions remain: a weaker estimate, pulled more towards the prior
    expect(necessity.multiplier('kid', 'wa')).toBeGreaterThan(necessity.multiplier('kid'));
    expect([n, k]).toEqual([8, 0]);
    // a writer's counts only exist in training: the shipped weights ignore the writer
    const shipped = new TermNecessity(necessity.toJSON());
    expect(shipped.multiplier('kid', 'wa')).toBe(necessity.multiplier('kid'));
  });

  it('the ranker uses the weights from its artefact: a down-weighted word counts for less in how much of the question a passage covers', () => {
    const plain = new Ranker(index);
    const fromArtefact = new Ranker(index, undefined, { necessity: necessity.toJSON() } as never);
    const weighted = new Ranker(index, undefined, undefined, undefined, necessity);
    const q = 'kid mentioned kid events';
    const own = fromArtefact.query(q).terms.find((t) => t.stem === 'kid');
    expect(own?.necessity).toBeCloseTo(necessity.multiplier('kid'), 10);
    expect(own?.necessity).toBeLessThan(0.5);
    expect(plain.query(q).terms.find((t) => t.stem === 'kid')?.necessity).toBeUndefined();
    // the events passage lacks "mentioned", which the weights count for less: it covers more of what is asked
    const cover = (r: Ranker) => r.rank(q).candidates.find((c) => c.d === 2)!.features.get('cov_own')!;
    expect(cover(weighted)).toBeGreaterThan(cover(plain) + 0.03);
  });

  it('finding passages (BM25) counts a down-weighted word for less', () => {
    const plain = new Ranker(index);
    const weighted = new Ranker(index, undefined, undefined, undefined, necessity);
    // passage 2 is found by "kid" ("kids clubs") and "events"; passage 3 by "exploitation" alone
    const q = 'kid kid events exploitation';
    const stage1 = (r: Ranker, d: number) => r.rank(q).candidates.find((c) => c.d === d)!.stage1;
    expect(stage1(weighted, 2) / stage1(weighted, 3)).toBeLessThan(stage1(plain, 2) / stage1(plain, 3));
  });

  it('the answer model also reads what the best passage covers with every word at full weight', () => {
    const plain = new Ranker(index);
    const weighted = new Ranker(index, undefined, undefined, undefined, necessity);
    const q = 'kid mentioned kid events';
    const r = weighted.rank(q);
    const top = r.candidates[0].d;
    const full = plain.rank(q).candidates.find((c) => c.d === top)!.features.get('cov_any')!;
    expect(r.answerFeatures.get('top_cov_plain')).toBeCloseTo(full, 10);
    expect(r.answerFeatures.get('top_cov_any')).toBeGreaterThan(full);
    expect(plain.rank(q).answerFeatures.has('top_cov_plain')).toBe(false);
  });
});
