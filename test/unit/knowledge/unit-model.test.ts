/**
 * The sentence model (models/units.json): which sentences of a passage answer the question. Trained here on the
 * corpus's train split with each writer held out in turn, it must put a sentence holding the asked-for fact
 * first more often than ranking by shared words does; and an answer composed without it still quotes the
 * passage (the fallback).
 */
import { buildLexicalIndex } from '../../../src/knowledge/search/lexical-index';
import { loadFolderChunks } from '../../../src/knowledge/local-corpus';
import { loadCorpus } from '../../../src/knowledge/understand/corpus';
import { trainUnits } from '../../../src/knowledge/understand/train-units';
import { composeAnswer } from '../../../src/knowledge/answer/compose';
import { Ranker } from '../../../src/knowledge/understand/ranker';
import { factTypesAsked } from '../../../src/knowledge/understand/fact-types';
import { languageModels } from '../../../src/knowledge/understand/language-model';
import * as path from 'node:path';
import { GUIDANCE_DIR } from '../../helpers/guidance-engine';

const DIR = path.join(__dirname, '..', '..', 'fixtures', 'messages');

describe('the sentence model', () => {
  it('out of fold, puts a sentence that holds the asked-for fact first more often than shared words do', async () => {
    const { chunks } = await loadFolderChunks(GUIDANCE_DIR);
    const index = buildLexicalIndex(chunks);
    const corpus = loadCorpus(DIR);
    const { report, artefact } = trainUnits(corpus.messages.filter((m) => m.split === 'train'), index, corpus.hash);
    expect(report.questions).toBeGreaterThan(500);
    expect(report.oofFirst).toBeGreaterThan(report.lexicalFirst + 0.03);
    expect(report.oofTopTwo).toBeGreaterThan(report.lexicalTopTwo);
    expect(Object.keys(artefact.model.weights).length).toBeGreaterThan(20);
  }, 60_000);

  it('answers quote the passage with or without the model, the fact asked for among the model’s choice', async () => {
    const { chunks } = await loadFolderChunks(GUIDANCE_DIR);
    const index = buildLexicalIndex(chunks);
    const ranker = new Ranker(index);
    const chunk = chunks.find((c) => /automatically regarded as high risk/.test(c.text))!;
    const question = 'if a foster child of 12 went missing would the police see it as high risk straight away? what age does that apply to';
    const q = ranker.query(question);
    const opts = { isOutdated: () => false };
    const withModel = composeAnswer(q, factTypesAsked(question), [{ chunk, p: 0.9 }], index, { ...opts, unitModel: languageModels().units!.model });
    const without = composeAnswer(q, factTypesAsked(question), [{ chunk, p: 0.9 }], index, opts);
    for (const a of [withModel, without]) {
      expect(a.cited.map((r) => r.chunk.id)).toEqual([chunk.id]);
      expect(a.text.length).toBeGreaterThan(80);
    }
    expect(withModel.text).toContain('under the age of 14');
  });
});
