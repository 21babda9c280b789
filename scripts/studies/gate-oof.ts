/**
 * The command gate by learner, out of fold on the training split (README Quality, twenty-fourth session): builds the
 * gate's inputs exactly as `trainIntent` does (the command classifier's out-of-fold probabilities, the nearest
 * earlier messages, the message's shape), fits the gate one writer (or fold of writers) at a time with each learner,
 * and prints the routing threshold `intentThresholds` sets on the questions' scores, the commands routed there, and
 * the commands routed when 0.2, 1 and 2 % of questions are taken. Training split only.
 *
 *   node scripts/run-ts.js scripts/studies/gate-oof.ts CORPUS_DIR|- [--folds N] LEARNER…
 *
 * `-` is the committed corpus. LEARNER is `linear` (as committed) or `boosted:TREES:DEPTH:RATE[:MINLEAF]`. Written
 * for the committed one-member classifier (`INTENT_MEMBERS`); it refuses to run with more members.
 */
import * as path from 'node:path';
import { parseArgs } from '../../src/cli/cli-engine';
import { projectRoot } from '../../src/knowledge/understand/artefacts';
import { predictBinary, trainBoosted, type BinaryModelJson } from '../../src/knowledge/understand/boosted-trees';
import { defaultCorpusDir, expectedIntent, isUrgent, loadCorpus } from '../../src/knowledge/understand/corpus';
import { averageProbabilities, commandFeatures, gateFeatures, likeliestCommand } from '../../src/knowledge/understand/intent-decision';
import { intentView } from '../../src/knowledge/understand/intent.classifier';
import { predict, trainLinear, type TrainExample } from '../../src/knowledge/understand/linear-model';
import { MessageNeighbours, type StoredMessage } from '../../src/knowledge/understand/message-neighbours';
import { INTENT_GATE_TRAINING, INTENT_MAX_TOKENS, INTENT_MEMBERS, intentMemberTraining, intentThresholds, outOfFold, useWriterFolds } from '../../src/knowledge/understand/train';

const { opts, rest } = parseArgs(process.argv.slice(2), ['folds']);
const [dirArg, ...learners] = rest;
if (!dirArg || !learners.length) {
  process.stderr.write('usage: gate-oof.ts CORPUS_DIR|- [--folds N] linear boosted:100:3:0.1 …\n');
  process.exit(2);
}
if (typeof opts.folds === 'string') useWriterFolds(Number(opts.folds));
if (INTENT_MEMBERS.length !== 1) {
  process.stderr.write('gate-oof.ts builds the gate inputs of a one-member command classifier; INTENT_MEMBERS has more\n');
  process.exit(2);
}

function fitter(learner: string): (ex: TrainExample[]) => BinaryModelJson {
  if (learner === 'linear') return (ex) => trainLinear(['question', 'command'], ex, INTENT_GATE_TRAINING);
  const [kind, trees, depth, rate, minLeaf] = learner.split(':');
  if (kind !== 'boosted' || !trees || !depth || !rate) throw new Error(`unknown learner ${learner}`);
  return (ex) => trainBoosted(['question', 'command'], ex, { trees: Number(trees), depth: Number(depth), learningRate: Number(rate), minLeaf: Number(minLeaf ?? 2) });
}

const corpus = loadCorpus(dirArg === '-' ? defaultCorpusDir(projectRoot()) : path.resolve(dirArg));
const train = corpus.messages.filter((m) => m.split === 'train');
const classes = ['none', ...[...new Set(train.map(expectedIntent).filter((x): x is string => !!x))].sort()];
const views = train.map((m) => intentView(m.message, INTENT_MAX_TOKENS));
const stored: StoredMessage[] = train.map((m, i) => ({ stems: views[i].stems, intent: expectedIntent(m) ?? 'none', writer: m.writer }));
const neighbours = new MessageNeighbours(stored);
const near = train.map((m, i) => neighbours.features(views[i].stems, m.writer));
const y = train.map((m) => classes.indexOf(expectedIntent(m) ?? 'none'));
const member = INTENT_MEMBERS[0];
const memberExamples = train.map((m, i) => ({ x: commandFeatures(views[i], member.features, member.neighbours ? near[i] : new Map()), y: y[i], weight: y[i] ? 3 : 1, writer: m.writer }));
const memberP = outOfFold(memberExamples, (ex) => trainLinear(classes, ex, intentMemberTraining(member)), (model, e) => predict(model, e.x));
const gate = train.map((m, i) => ({ x: gateFeatures(averageProbabilities([memberP[i]]), classes, near[i], views[i], [memberP[i]]), y: y[i] ? 1 : 0, weight: 1, writer: m.writer }));
const pct = (a: number, b: number) => `${((100 * a) / Math.max(b, 1)).toFixed(1)}%`;
console.log(`corpus ${corpus.hash}: ${train.length} training messages`);
for (const learner of learners) {
  const score = outOfFold(gate, fitter(learner), (model, e) => predictBinary(model, e.x)[1]);
  const questions = score.filter((_, i) => y[i] === 0 && !isUrgent(train[i]));
  const { threshold } = intentThresholds(questions);
  const commands = score.flatMap((s, i) => (y[i] ? [{ s, right: likeliestCommand(averageProbabilities([memberP[i]])) === y[i] }] : []));
  const routedAt = (t: number) => commands.filter((c) => c.right && c.s >= t).length;
  const sorted = [...questions].sort((a, b) => b - a);
  const at = (share: number) => pct(routedAt(sorted[Math.floor(share * sorted.length)] + 1e-3), commands.length);
  console.log(`${learner.padEnd(24)} threshold ${threshold.toFixed(3)}: commands routed ${pct(routedAt(threshold), commands.length)} (${routedAt(threshold)}/${commands.length}), questions at or above it ${questions.filter((q) => q >= threshold).length}/${questions.length}; routed when 0.2 / 1 / 2 % of questions are taken: ${at(0.002)} ${at(0.01)} ${at(0.02)}`);
}
