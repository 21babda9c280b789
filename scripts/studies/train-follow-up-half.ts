/**
 * Retrains only the follow-up half of `ranker.json` (the reranker and answer model that read the earlier
 * exchanges, with their threshold and cover floor: `RankerArtefact.followUp`) into OUT, copying BASE's question
 * half and every other artefact unchanged. For trying a change that only follow-ups read (README Quality,
 * eighteenth session) in about 3 minutes on a validation split instead of a whole `npm run train -- --part rest`:
 * the result is what `trainRankerWithFollowUps` would write for the follow-up half, beside BASE's question models.
 *
 *   node scripts/run-ts.js scripts/studies/train-follow-up-half.ts BASE_DIR OUT_DIR [WRITER,… [FOLDS]]
 *
 * With WRITER,… BASE_DIR must hold models trained with `--validate` the same writers (and FOLDS as they were);
 * then score OUT_DIR with `npm run eval:corpus -- --validate WRITER,… --models OUT_DIR`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ARTEFACT_NAMES, assertModelsTrainedOn, projectRoot, saveArtefact } from '../../src/knowledge/understand/artefacts';
import { defaultCorpusDir, loadCorpus, validationSplit, writerList } from '../../src/knowledge/understand/corpus';
import { trainRanker } from '../../src/knowledge/understand/train-ranker';
import { useWriterFolds } from '../../src/knowledge/understand/train';
import { buildLexicalIndex } from '../../src/knowledge/search/lexical-index';
import { loadFolderChunks } from '../../src/knowledge/local-corpus';
import { loadConfigOrExit } from '../../src/config';
import type { RankerArtefact } from '../../src/knowledge/understand/ranker';

const [base, outArg, writers, folds] = process.argv.slice(2);
if (!base || !outArg) {
  process.stderr.write('usage: train-follow-up-half.ts BASE_DIR OUT_DIR [WRITER,… [FOLDS]]\n');
  process.exit(2);
}
(async () => {
  let corpus = loadCorpus(defaultCorpusDir(projectRoot()));
  if (writers) corpus = validationSplit(corpus, writerList(writers));
  assertModelsTrainedOn(path.resolve(base), corpus.hash, writers ? `npm run train -- --validate ${writers} --out ${base}` : `npm run train -- --out ${base}`);
  if (folds) useWriterFolds(Number(folds));
  const out = path.resolve(outArg);
  fs.mkdirSync(out, { recursive: true });
  const train = corpus.messages.filter((m) => m.split === 'train');
  const { chunks } = await loadFolderChunks(path.resolve(loadConfigOrExit(process.env).guidanceDir));
  // (the follow-up half exactly as `trainRankerWithFollowUps` fits it: the joint models, with the exchanges)
  const fitted = trainRanker(train, buildLexicalIndex(chunks), corpus.hash, true);
  const f = fitted.artefact;
  const choice = fitted.followUpChoice ?? { answer: f.thresholds.followUp ?? f.thresholds.answer, minCover: undefined, at: fitted.report.atFollowUp };
  const ranker = JSON.parse(fs.readFileSync(path.join(base, 'ranker.json'), 'utf8')) as RankerArtefact;
  ranker.followUp = { reranker: f.reranker, answerability: f.answerability, answer: choice.answer, ...(choice.minCover !== undefined ? { minCover: choice.minCover } : {}) };
  for (const name of ARTEFACT_NAMES) if (name !== 'ranker') fs.copyFileSync(path.join(base, `${name}.json`), path.join(out, `${name}.json`));
  saveArtefact('ranker', ranker, out);
  const at = choice.at;
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  console.log(`follow-up half: threshold ${choice.answer}, cover floor ${choice.minCover ?? 'default'}; out of fold on the training follow-ups: out-of-scope declined ${pct(at.oosDeclined)}, answerable refused ${pct(at.answerableRefused)}, confident but wrong ${pct(at.confidentWrong)}`);
})().catch((e: unknown) => {
  process.stderr.write(`train-follow-up-half failed: ${(e as Error).message}\n`);
  process.exit(1);
});
