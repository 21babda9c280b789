/**
 * Nearest-message evidence: similarity to earlier messages of each kind, a writer's own messages left out in
 * training; the command classifier and the answerability model using it.
 */
import { MessageNeighbours } from '../../../src/knowledge/understand/message-neighbours';
import { classifyIntentView } from '../../../src/knowledge/understand/intent.classifier';
import { languageModels } from '../../../src/knowledge/understand/language-model';
import { viewOf } from '../../../src/knowledge/understand/message-features';
import * as path from 'node:path';
import { buildLexicalIndex } from '../../../src/knowledge/search/lexical-index';
import { loadFolderChunks } from '../../../src/knowledge/local-corpus';
import { Ranker } from '../../../src/knowledge/understand/ranker';
import { defaultCorpusDir, loadCorpus } from '../../../src/knowledge/understand/corpus';
import { featuresRead } from '../../../src/knowledge/understand/boosted-trees';

const stems = (s: string) => viewOf(s).stems;

describe('intent neighbours', () => {
  const stored = [
    { stems: stems('please stop sending me the newsletter'), intent: 'unsubscribe', writer: 'a' },
    { stems: stems('sign me up for the newsletter'), intent: 'subscribe', writer: 'b' },
    { stems: stems('who chairs the partnership'), intent: 'none', writer: 'c' },
  ];
  const n = new MessageNeighbours(stored);

  it('scores a message against the nearest earlier message of each kind, the nearest overall under its kind', () => {
    const f = n.features(stems('can you stop sending me these newsletters'));
    expect(f.get('knn:unsubscribe')).toBeGreaterThan(f.get('knn:subscribe') ?? 0);
    expect(f.get('knn_top:unsubscribe')).toBe(f.get('knn:unsubscribe'));
    expect(f.has('knn_top:subscribe')).toBe(false);
    expect(f.get('knn:unsubscribe')).toBeLessThanOrEqual(1 + 1e-9);
    // The same words give similarity 1; nothing in common gives no feature at all.
    expect(n.features(stems('who chairs the partnership')).get('knn:none')).toBeCloseTo(1, 6);
    expect(n.features(stems('zebra crossing')).size).toBe(0);
  });

  it('gives the same evidence however calls are interleaved (its reused scratch is cleared on every path)', () => {
    const messages = ['stop sending me the newsletter please', 'sign me up', 'who chairs it', 'newsletter', 'zebra'];
    const fresh = messages.map((m) => [...new MessageNeighbours(stored).features(stems(m))].sort().join());
    const freshExcluding = messages.map((m) => [...new MessageNeighbours(stored).features(stems(m), 'a')].sort().join());
    messages.forEach((m, i) => {
      n.features(stems(messages[(i + 1) % messages.length]), 'b');
      expect([...n.features(stems(m))].sort().join()).toBe(fresh[i]);
      expect([...n.features(stems(m), 'a')].sort().join()).toBe(freshExcluding[i]);
    });
  });

  it('gives the TF-IDF cosine over stems and stem pairs computed message by message (to nine decimal places)', () => {
    // A reference written from the definition (no posting lists), on messages sharing words in many ways.
    const words = ['stop', 'send', 'me', 'the', 'newsletter', 'sign', 'up', 'who', 'chair', 'partnership', 'book', 'cours'];
    // (xorshift32: every bit of the state stays alive)
    let seed = 11;
    const rand = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 4294967296;
    };
    const pick = (k: number) => Array.from({ length: k }, () => words[Math.floor(rand() * words.length)]);
    const kinds = ['unsubscribe', 'subscribe', 'none'];
    // (one message with no words; each written by one of three writers, and one writer left out below)
    const many = Array.from({ length: 60 }, (_, i) => ({ stems: i === 7 ? [] : pick(1 + (i % 7)), intent: kinds[i % 3], writer: `w${i % 3}` }));
    const counts = (st: string[]) => {
      const t = new Map<string, number>();
      st.forEach((w, i) => {
        t.set(w, (t.get(w) ?? 0) + 1);
        if (i) t.set(`${st[i - 1]}_${w}`, (t.get(`${st[i - 1]}_${w}`) ?? 0) + 1);
      });
      return t;
    };
    const df = new Map<string, number>();
    for (const m of many) for (const k of counts(m.stems).keys()) df.set(k, (df.get(k) ?? 0) + 1);
    const idf = (k: string) => Math.log(1 + many.length / (1 + (df.get(k) ?? many.length)));
    const unit = (st: string[], unknownIdf = Math.log(1 + many.length)) => {
      const v = new Map<string, number>();
      for (const [k, c] of counts(st)) v.set(k, (1 + Math.log(c)) * (df.has(k) ? idf(k) : unknownIdf));
      const norm = Math.sqrt([...v.values()].reduce((a, x) => a + x * x, 0)) || 1;
      for (const [k, x] of v) v.set(k, x / norm);
      return v;
    };
    const index = new MessageNeighbours(many);
    for (let q = 0; q < 40; q++) {
      const query = q === 5 ? [] : [...pick(1 + (q % 6)), ...(q % 4 === 0 ? ['zebra'] : [])];
      const excluded = q % 5 === 1 ? 'w1' : undefined;
      const qv = unit(query);
      const expected = new Map<string, number>();
      let top = { s: 0, kind: '' };
      for (const m of many) {
        if (m.writer === excluded) continue;
        const mv = unit(m.stems);
        let s = 0;
        for (const [k, x] of qv) s += x * (mv.get(k) ?? 0);
        if (s <= 0) continue;
        if (s > (expected.get(`knn:${m.intent}`) ?? 0)) expected.set(`knn:${m.intent}`, s);
        if (s > top.s) top = { s, kind: m.intent };
      }
      const got = index.features(query, excluded);
      expect([...got.keys()].filter((k) => k.startsWith('knn:')).sort()).toEqual([...expected.keys()].sort());
      for (const [k, s] of expected) expect(got.get(k)).toBeCloseTo(s, 9);
      // The nearest message under its kind: with equally near messages of two kinds, either kind.
      const tops = [...got].filter(([k]) => k.startsWith('knn_top:'));
      expect(tops).toHaveLength(top.kind ? 1 : 0);
      if (top.kind) {
        expect(tops[0][1]).toBeCloseTo(top.s, 9);
        expect(expected.get(`knn:${tops[0][0].slice('knn_top:'.length)}`)).toBeCloseTo(top.s, 9);
      }
    }
  });

  it("leaves a writer's own messages out when asked (training reads each writer as a stranger)", () => {
    const f = n.features(stems('please stop sending me the newsletter'), 'a');
    expect(f.has('knn:unsubscribe')).toBe(false);
    expect(f.has('knn:subscribe')).toBe(true);
  });
});

describe('command classifier with nearest messages', () => {
  it('ships the training messages it compares with, and their evidence moves its decision', () => {
    const a = languageModels().intent;
    expect(a.messages.length).toBeGreaterThan(1000);
    expect(Object.keys(a.model.weights).some((k) => k.startsWith('knn_top:'))).toBe(true);
    // Without the stored messages the same model scores an everyday command lower: the evidence is used.
    const msg = 'can u take me off the mailing list pls';
    const withN = classifyIntentView(a, viewOf(msg));
    const without = classifyIntentView({ ...a, messages: [] }, viewOf(msg));
    expect(withN.intent).toBe('unsubscribe');
    expect(withN.score).toBeGreaterThan(without.score);
  });
});

describe('answerability with the phrasing of earlier questions', () => {
  it('ships the training questions as typed, and their evidence lowers confidence on questions the guidance does not answer', async () => {
    const root = path.join(__dirname, '..', '..', '..');
    const a = languageModels().ranker;
    expect(a.phrasing?.length).toBeGreaterThan(1000);
    expect(featuresRead(a.answerability).some((k) => k.startsWith('phr:knn_top:'))).toBe(true);
    const index = buildLexicalIndex((await loadFolderChunks(path.join(root, 'guidance'))).chunks);
    const withPhrasing = new Ranker(index, undefined, a);
    const without = new Ranker(index, undefined, { ...a, phrasing: [] });
    const held = loadCorpus(defaultCorpusDir(root)).messages.filter((m) => m.split === 'heldback');
    const mean = (r: Ranker, kind: string) => {
      const qs = held.filter((m) => m.kind === kind).slice(0, 80);
      return qs.reduce((s, m) => s + r.rank(m.message).confidence, 0) / qs.length;
    };
    // Held-back questions (writers the models never saw): out of scope pushed down more than answerable ones.
    const oosDrop = mean(without, 'out_of_scope') - mean(withPhrasing, 'out_of_scope');
    const ansDrop = mean(without, 'answerable') - mean(withPhrasing, 'answerable');
    expect(oosDrop).toBeGreaterThan(0);
    expect(oosDrop).toBeGreaterThan(ansDrop);
  });
});
