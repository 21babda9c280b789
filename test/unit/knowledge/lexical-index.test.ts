/**
 * The lexical index's postings and statistics, checked against a direct count over the same token arrays
 * (the index builds them in two passes into typed arrays; this is what they must equal).
 */
import * as path from 'node:path';
import { buildLexicalIndex } from '../../../src/knowledge/search/lexical-index';
import { loadFolderChunks } from '../../../src/knowledge/local-corpus';

describe('lexical index', () => {
  it('holds, for every term, exactly the passages that contain it with their counts, in passage order', async () => {
    const { chunks } = await loadFolderChunks(path.join(__dirname, '..', '..', '..', 'guidance'));
    const ix = buildLexicalIndex(chunks);
    expect(ix.size).toBe(chunks.length);
    for (const [field, postings] of [
      [ix.body, ix.bodyPostings],
      [ix.head, ix.headPostings],
    ] as const) {
      const expected = new Map<number, [number, number][]>();
      field.forEach((toks, d) => {
        const tf = new Map<number, number>();
        for (const t of toks) tf.set(t, (tf.get(t) ?? 0) + 1);
        for (const [t, n] of tf) {
          const list = expected.get(t) ?? [];
          list.push([d, n]);
          expected.set(t, list);
        }
      });
      expect(postings.length).toBe(ix.vocab.size);
      postings.forEach((p, t) => {
        expect(p.ids.length).toBe(p.tfs.length);
        expect(Array.from(p.ids, (d, k) => [d, p.tfs[k]])).toEqual(expected.get(t) ?? []);
      });
    }
    // Every term in the vocabulary occurs somewhere, and document frequency is the body postings' length.
    for (const [, t] of ix.vocab) expect(ix.bodyPostings[t].ids.length + ix.headPostings[t].ids.length).toBeGreaterThan(0);
    const someTerm = ix.body[0][0];
    expect(ix.df(someTerm)).toBe(ix.bodyPostings[someTerm].ids.length);
  });

  it('gives passages with the same heading path and title the same context terms', async () => {
    const { chunks } = await loadFolderChunks(path.join(__dirname, '..', '..', '..', 'guidance'));
    const ix = buildLexicalIndex(chunks);
    const key = (i: number) => `${chunks[i].headingPath.join(' ')} ${chunks[i].title}`;
    const pair = chunks.findIndex((_, i) => i > 0 && key(i) === key(i - 1));
    expect(pair).toBeGreaterThan(0);
    expect(Array.from(ix.head[pair])).toEqual(Array.from(ix.head[pair - 1]));
    const other = chunks.findIndex((_, i) => key(i) !== key(0));
    expect(Array.from(ix.head[other])).not.toEqual(Array.from(ix.head[0]));
  });
});
