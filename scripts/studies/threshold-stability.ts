/**
 * How stable the questions' answer threshold is (README Quality, twentieth session): the threshold is the argmin of
 * the stated cost over the training split's out-of-fold answer scores, and on a flat cost curve small changes to
 * the training data or the passages move it. This trains the question models (as `npm run train` does, one writer
 * per fold unless FOLDS is given), then chooses the threshold again on B resamples of the writers (with
 * replacement, seeded), and prints the committed choice beside the resampled ones' median and quartiles and the
 * cost curve around them. Training split only: never the held-back one.
 *
 *   node scripts/run-ts.js scripts/studies/threshold-stability.ts [CORPUS_DIR [FOLDS [B]]]
 */
import * as path from 'node:path';
import { loadConfigOrExit } from '../../src/config';
import { loadFolderChunks } from '../../src/knowledge/local-corpus';
import { buildLexicalIndex } from '../../src/knowledge/search/lexical-index';
import { projectRoot } from '../../src/knowledge/understand/artefacts';
import { defaultCorpusDir, loadCorpus } from '../../src/knowledge/understand/corpus';
import { prng } from '../../src/knowledge/understand/linear-model';
import { useWriterFolds } from '../../src/knowledge/understand/train';
import { chooseThresholds, outcomesAt, statedCost, trainRanker, type Scored } from '../../src/knowledge/understand/train-ranker';

const [dirArg, foldsArg, bArg] = process.argv.slice(2);
const B = Number(bArg ?? 200);

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

(async () => {
  if (foldsArg) useWriterFolds(Number(foldsArg));
  const corpus = loadCorpus(dirArg ? path.resolve(dirArg) : defaultCorpusDir(projectRoot()));
  const train = corpus.messages.filter((m) => m.split === 'train');
  const config = loadConfigOrExit();
  const { chunks } = await loadFolderChunks(path.resolve(config.guidanceDir));
  const index = buildLexicalIndex(chunks);
  const started = Date.now();
  const { report } = trainRanker(train, index, corpus.hash);
  const questions = report.scored.filter((s) => !s.followUp);
  const chosen = chooseThresholds(questions).answer;
  const byWriter = new Map<string, Scored[]>();
  for (const s of questions) {
    const own = byWriter.get(s.writer);
    if (own) own.push(s);
    else byWriter.set(s.writer, [s]);
  }
  const writers = [...byWriter.keys()].sort();
  const rand = prng(17);
  const picks: number[] = [];
  for (let b = 0; b < B; b++) {
    const sample: Scored[] = [];
    for (let i = 0; i < writers.length; i++) sample.push(...byWriter.get(writers[Math.floor(rand() * writers.length)])!);
    picks.push(chooseThresholds(sample).answer);
  }
  const median = quantile(picks, 0.5);
  console.log(`corpus ${corpus.hash}, ${chunks.length} passages, ${questions.length} out-of-fold questions from ${writers.length} writers (${Math.round((Date.now() - started) / 60000)} min)`);
  console.log(`answer threshold chosen ${chosen}; over ${B} resamples of writers: median ${median}, quartiles ${quantile(picks, 0.25)}–${quantile(picks, 0.75)}, 10–90 % ${quantile(picks, 0.1)}–${quantile(picks, 0.9)}`);
  for (let t = 0.4; t <= 0.701; t += 0.02) {
    const o = outcomesAt(questions, t);
    console.log(`  t ${t.toFixed(2)}  cost ${statedCost(o).toFixed(4)}  out-of-scope declined ${(100 * o.oosDeclined).toFixed(1)}%  refused ${(100 * o.answerableRefused).toFixed(1)}%  wrong ${(100 * o.confidentWrong).toFixed(1)}%`);
  }
})().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
