/**
 * Retrains only the follow-up half of `ranker.json` (the reranker and answer model that read the earlier
 * exchanges, with their threshold and cover floor: `RankerArtefact.followUp`) into OUT, copying BASE's question
 * half and every other artefact unchanged. For trying a change that only follow-ups read (README Quality,
 * eighteenth session) in about 3 minutes on a validation split instead of a whole `npm run train -- --part rest`:
 * the follow-up half is `trainFollowUpHalf`, as `trainRankerWithFollowUps` (`npm run train`) writes it.
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
import { trainFollowUpHalf } from '../../src/knowledge/understand/train-ranker';
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
  const { chunks } = await loadFolderChunks(path.resolve(loadConfigOrExit().guidanceDir));
  const { followUp, report } = trainFollowUpHalf(train, buildLexicalIndex(chunks), corpus.hash);
  const ranker = JSON.parse(fs.readFileSync(path.join(base, 'ranker.json'), 'utf8')) as RankerArtefact;
  ranker.followUp = followUp;
  for (const name of ARTEFACT_NAMES) if (name !== 'ranker') fs.copyFileSync(path.join(base, `${name}.json`), path.join(out, `${name}.json`));
  saveArtefact('ranker', ranker, out);
  const at = report.atFollowUp;
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  console.log(`follow-up half: threshold ${followUp.answer}, cover floor ${followUp.minCover}; out of fold on the training follow-ups: out-of-scope declined ${pct(at.oosDeclined)}, answerable refused ${pct(at.answerableRefused)}, confident but wrong ${pct(at.confidentWrong)}`);
})().catch((e: unknown) => {
  process.stderr.write(`train-follow-up-half failed: ${(e as Error).message}\n`);
  process.exit(1);
});
