/**
 * Which members the command classifier could average (README Quality, fifteenth session): the training split's
 * out-of-fold figures, in ten folds of writers, for the first member alone (the committed classifier), the
 * other two, and all three — each with its own gate and its threshold at the same 0.4 % of questions taken.
 *
 *   node scripts/run-ts.js scripts/studies/intent-members-oof.ts [CORPUS_DIR=test/fixtures/messages] [FOLDS=10]
 *
 * About 12 minutes on one core with ten folds (2026-12-04, 10,221 train messages).
 */
import * as path from 'node:path';
import { expectedIntent, loadCorpus } from '../../src/knowledge/understand/corpus';
import { INTENT_MEMBER_CHOICES, trainIntent, useWriterFolds } from '../../src/knowledge/understand/train';

useWriterFolds(Number(process.argv[3] ?? 10));
const train = loadCorpus(path.resolve(process.argv[2] ?? 'test/fixtures/messages')).messages.filter((m) => m.split === 'train');
const commands = train.filter((m) => expectedIntent(m) !== undefined).length;
const SETS: [string, number[]][] = [
  ['first member alone (committed)', [0]],
  ['second and third', [1, 2]],
  ['all three (tried, not kept)', [0, 1, 2]],
];
for (const [name, picks] of SETS) {
  const { report: r } = trainIntent(train, 'study', picks.map((k) => INTENT_MEMBER_CHOICES[k]));
  process.stdout.write(
    `${name}: threshold ${r.threshold.toFixed(3)}; commands routed ${(100 * r.routed).toFixed(1)}% of ${commands}, read as another command ${r.wrongCommand}; questions misrouted ${r.misrouted}; commands offered ${(100 * r.offered).toFixed(1)}%, questions shown an offer ${(100 * r.questionsOffered).toFixed(1)}%\n`,
  );
}
