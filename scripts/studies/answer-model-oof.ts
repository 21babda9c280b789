/**
 * The questions' answer model by learner, out of fold on the training split (README Quality, twenty-fourth
 * session): builds the answer-or-decline examples exactly as `trainRanker` does (the reranker's out-of-fold
 * candidates, each writer held out), then fits each learner one writer (or fold of writers) at a time and prints,
 * for questions, the threshold the stated cost chooses, the cost and outcomes there, and the share of answerable
 * questions refused at equal out-of-scope declined (80, 85, 90 %); for follow-up second turns, the same cost.
 * With `--exchanges` the examples are the follow-up half's (trained reading the earlier exchanges). Training split
 * only: never the held-back one.
 *
 *   node scripts/run-ts.js scripts/studies/answer-model-oof.ts CORPUS_DIR|- [--exchanges] [--folds N] LEARNER…
 *
 * `-` is the committed corpus. LEARNER is `linear` (as committed), `boosted` (the trees `--answer-model boosted`
 * trains: `ANSWER_TREES`) or `boosted:TREES:DEPTH:RATE[:MINLEAF]`, for example boosted:100:3:0.1.
 */
import * as path from 'node:path';
import { loadConfigOrExit } from '../../src/config';
import { loadFolderChunks } from '../../src/knowledge/local-corpus';
import { buildLexicalIndex } from '../../src/knowledge/search/lexical-index';
import { projectRoot } from '../../src/knowledge/understand/artefacts';
import { predictBinary, type BinaryModelJson } from '../../src/knowledge/understand/boosted-trees';
import { defaultCorpusDir, loadCorpus } from '../../src/knowledge/understand/corpus';
import { useWriterFolds, writerFolds } from '../../src/knowledge/understand/train';
import { answerExamples, chooseThresholds, costSensitive, fitAnswerModel, outcomesAt, prepareRankerData, statedCost, type Scored } from '../../src/knowledge/understand/train-ranker';
import { parseArgs } from '../../src/cli/cli-engine';

const { opts, rest } = parseArgs(process.argv.slice(2), ['folds']);
const [dirArg, ...learners] = rest;
if (!dirArg || !learners.length) {
  process.stderr.write('usage: answer-model-oof.ts CORPUS_DIR|- [--exchanges] [--folds N] linear boosted:300:3:0.05 …\n');
  process.exit(2);
}
if (typeof opts.folds === 'string') useWriterFolds(Number(opts.folds));

function fitter(learner: string): (ex: ReturnType<typeof costSensitive>[]) => BinaryModelJson {
  if (learner === 'linear' || learner === 'boosted') return (ex) => fitAnswerModel(learner, ex);
  const [kind, trees, depth, rate, minLeaf] = learner.split(':');
  if (kind !== 'boosted' || !trees || !depth || !rate) throw new Error(`unknown learner ${learner}`);
  return (ex) => fitAnswerModel('boosted', ex, { trees: Number(trees), depth: Number(depth), learningRate: Number(rate), minLeaf: Number(minLeaf ?? 2) });
}

(async () => {
  const corpus = loadCorpus(dirArg === '-' ? defaultCorpusDir(projectRoot()) : path.resolve(dirArg));
  const train = corpus.messages.filter((m) => m.split === 'train');
  const { chunks } = await loadFolderChunks(path.resolve(loadConfigOrExit().guidanceDir));
  const index = buildLexicalIndex(chunks);
  const { ranker, items, oof, dropKnn, unasked } = prepareRankerData(train, index, opts.exchanges === true);
  const examples = answerExamples(ranker, items, oof, unasked);
  const oosShare = examples.filter((e) => !e.y).length / examples.length;
  const { fold, k: K } = writerFolds(examples.map((e) => e.it.writer));
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  console.log(`corpus ${corpus.hash}: ${examples.length} examples${opts.exchanges === true ? ' (the follow-up half, reading the exchanges)' : ''}, ${K} folds`);
  for (const learner of learners) {
    const fit = fitter(learner);
    const p = new Array<number>(examples.length);
    for (let f = 0; f < K; f++) {
      const model = fit(examples.filter((_, i) => fold[i] !== f).map((e) => costSensitive(e, oosShare)));
      examples.forEach((e, i) => {
        if (fold[i] === f) p[i] = predictBinary(model, e.x)[1];
      });
    }
    // Thresholds on questions whose neighbour evidence was kept, as trainRanker sets them.
    const scored = examples.flatMap((e, i) => (dropKnn.has(e.it.id) ? [] : [{ p: p[i], answerable: !!e.y, correct: e.correct, followUp: !!e.it.secondTurn }]));
    const questions: Scored[] = scored.filter((s) => !s.followUp);
    const followUps: Scored[] = scored.filter((s) => s.followUp);
    const t = chooseThresholds(questions).answer;
    const o = outcomesAt(questions, t);
    const refusedAt = (declined: number) => {
      for (let th = 0; th < 1; th += 0.005) {
        const at = outcomesAt(questions, th);
        if (at.oosDeclined >= declined) return pct(at.answerableRefused);
      }
      return '—';
    };
    const tf = chooseThresholds(followUps).answer;
    console.log(
      `${learner.padEnd(24)} questions: threshold ${t.toFixed(2)}, stated cost ${statedCost(o).toFixed(4)} (out of scope declined ${pct(o.oosDeclined)}, refused ${pct(o.answerableRefused)}, wrong ${pct(o.confidentWrong)}); refused at out of scope declined 80/85/90 %: ${refusedAt(0.8)} ${refusedAt(0.85)} ${refusedAt(0.9)} | follow-ups: threshold ${tf.toFixed(2)}, stated cost ${statedCost(outcomesAt(followUps, tf)).toFixed(4)}`,
    );
  }
})().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
