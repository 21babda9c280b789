/**
 * What a recall-first urgent threshold costs, out of fold on the training split only (never the held-back one):
 * the urgent ensemble's out-of-fold scores (writers dealt into FOLDS folds, 10 by default; 0 = one writer per fold,
 * as `npm run train` does, about four times slower), then the shipped rule (`recallFirstThreshold`) beside
 * thresholds that keep every training urgent message, or all but the k lowest, with and without the 0.8 margin:
 * recall and the share of non-urgent training messages flagged at each.
 *
 *   node scripts/run-ts.js scripts/studies/urgent-threshold-oof.ts CORPUS_DIR [FOLDS] [--dump FILE]
 *
 * --dump writes the out-of-fold scores ({ pos, neg }: urgent and non-urgent training messages) as JSON, so that
 * other threshold rules can be compared on the same scores without training again.
 *
 * (CORPUS_DIR is one folder of `.jsonl` files: the corpus reader does not look into subfolders. About 16 minutes on
 * one core for the 14,646 messages of test/fixtures/messages, ten folds, before the twentieth session's faster
 * trainers; since then one writer per fold took about 15 minutes for 10,221–10,617 training messages, two studies
 * running side by side on the 2-core machine.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadCorpus } from '../../src/knowledge/understand/corpus';
import { urgentEnsembleOutOfFold, useWriterFolds, recallFirstThreshold } from '../../src/knowledge/understand/train';
const args = process.argv.slice(2);
const at = args.indexOf('--dump');
const dump = at >= 0 ? args.splice(at, 2)[1] : undefined;
if (at >= 0 && !dump) throw new Error('--dump needs a file to write');
const folds = Number(args[1] ?? 10);
if (!args[0] || !Number.isInteger(folds) || folds < 0) throw new Error('usage: node scripts/run-ts.js scripts/studies/urgent-threshold-oof.ts CORPUS_DIR [FOLDS] [--dump FILE]');
if (folds > 0) useWriterFolds(folds);
const corpus = loadCorpus(path.resolve(args[0]));
const { pos, neg } = urgentEnsembleOutOfFold(corpus.messages.filter((m) => m.split === 'train'));
if (dump) fs.writeFileSync(dump, JSON.stringify({ corpus: corpus.hash, folds, pos, neg }));
console.log('shipped rule', recallFirstThreshold(pos, neg));
const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
for (const k of [0, 1, 2, 3, 4, 6]) {
  for (const margin of [1, 0.8]) {
    // No false-alarm budget: the recall point alone (a budget of 0 can only lower it below every non-urgent score).
    const r = recallFirstThreshold(pos, neg, k, margin, 0);
    const flagged = Math.round(r.falsePositiveRate * neg.length);
    console.log(`keep all but ${k} lowest, margin ${margin}: threshold ${r.threshold.toFixed(4)}, recall ${pct(r.recall)}, flagged ${pct(r.falsePositiveRate)} (${flagged}/${neg.length})`);
  }
}
