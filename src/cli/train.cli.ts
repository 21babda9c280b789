/*
 * npm run train [-- --corpus DIR] [--validate WRITER,… --out DIR] [--part urgent|rest|intent|guidance] [--folds N]
 *                 [--answer-model linear|boosted --out DIR]
 * Fits the language layer's models on the corpus's train split and writes models/*.json (with the corpus
 * hash they came from). Deterministic: the same corpus gives the same artefacts.
 * The urgent classifier (the longest part) and the other models are fitted by two child processes at once, one
 * per core: they share nothing but the corpus, and each child writes its own artefacts, so the result is the
 * same as fitting them one after the other (`--part urgent` or `--part rest` runs one part alone; `--part intent`
 * the command classifier alone, which is part of `rest` and depends on nothing else: for a change to that
 * classifier's code only, as it rewrites intent.json alone — after a corpus change every artefact must be
 * retrained, and a test fails when their corpus hashes differ). `--part guidance` fits the models that read the
 * guidance's passages (the ranker and answer models, the earlier questions, sentences, follow-ups: the rest but the
 * command classifier), for a change to the passages alone (a parser fix, a document added) with the corpus as it
 * was: the command and urgent classifiers read messages only.
 * --validate: trains without those train writers (a validation split, see validationSplit) into --out, never
 * into models/; `npm run eval:corpus -- --validate … --models DIR` then measures on their messages.
 * --folds N: cross-validates in N folds of writers instead of one writer at a time (about four times faster with
 * N = 10, for trials; the thresholds come out different, so the committed models use the default).
 * --answer-model boosted: the questions' answer model as boosted trees instead of the committed linear model
 * (train-ranker.ts `ANSWER_MODEL`; tried and not kept, README Quality, twenty-fourth session), into --out only.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { modelsDir, projectRoot, saveArtefact } from '../knowledge/understand/artefacts';
import { defaultCorpusDir, loadCorpus, validationSplit, writerList, type CorpusMessage } from '../knowledge/understand/corpus';
import { trainIntent, trainUrgent, useWriterFolds } from '../knowledge/understand/train';
import { ANSWER_MODEL, trainFollowUp, trainRankerWithFollowUps, type AnswerModel } from '../knowledge/understand/train-ranker';
import { trainUnits } from '../knowledge/understand/train-units';
import { Ranker } from '../knowledge/understand/ranker';
import { buildLexicalIndex } from '../knowledge/search/lexical-index';
import { loadFolderChunks } from '../knowledge/local-corpus';
import { loadConfigOrExit } from '../config';
import { parseArgs } from './cli-engine';

const PARTS = ['urgent', 'rest'] as const;
/** What `--part` accepts: the parts run at once, and the two pieces of `rest` alone: the command classifier, the rest. */
const ONE_PART = [...PARTS, 'intent', 'guidance'] as const;
type Part = (typeof ONE_PART)[number];

/** Runs this script once per part, at the same time; when one part fails the other is stopped, and the run fails. */
function runParts(argv: string[]): Promise<number> {
  const children = PARTS.map((part) => ({ part, child: spawn(process.execPath, [...process.execArgv, process.argv[1], ...argv, '--part', part], { stdio: 'inherit' }) }));
  const runs = children.map(
    ({ part, child }) =>
      new Promise<number>((resolve) => {
        const failed = (why: string) => {
          const running = children.filter((other) => other.child !== child && other.child.exitCode === null && !other.child.killed);
          process.stderr.write(`train: the ${part} part ${why}${running.length ? '; stopping the other part' : ''}\n`);
          for (const other of running) other.child.kill();
          resolve(1);
        };
        child.on('error', (e) => failed(`could not start (${e.message})`));
        child.on('exit', (code, signal) => (code === 0 ? resolve(0) : failed(`stopped (${signal ?? `exit code ${code}`})`)));
      }),
  );
  return Promise.all(runs).then((codes) => (codes.every((c) => c === 0) ? 0 : 1));
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const { opts } = parseArgs(argv, ['corpus', 'out', 'validate', 'part', 'folds', 'answer-model']);
  if (opts.part !== undefined && !ONE_PART.includes(opts.part as Part)) throw new Error(`--part is one of ${ONE_PART.join(', ')}`);
  const out = typeof opts.out === 'string' ? path.resolve(opts.out) : modelsDir();
  /** Options that train models unlike the committed ones write them elsewhere. */
  const notIntoModels = (why: string) => {
    if (path.resolve(out) === path.resolve(modelsDir())) throw new Error(`${why}: give another folder with --out`);
  };
  if (opts.folds !== undefined) {
    if (typeof opts.folds !== 'string' || !/^\d+$/.test(opts.folds)) throw new Error('--folds needs a whole number of folds of writers, for example --folds 10');
    useWriterFolds(Number(opts.folds));
    notIntoModels('--folds trains models unlike the committed ones');
  }
  const answerModel = (opts['answer-model'] ?? ANSWER_MODEL) as AnswerModel;
  if (answerModel !== 'linear' && answerModel !== 'boosted') throw new Error('--answer-model is linear or boosted');
  if (answerModel !== ANSWER_MODEL) notIntoModels(`--answer-model ${answerModel} trains an answer model unlike the committed one`);
  const part = opts.part as Part | undefined;
  const dir = typeof opts.corpus === 'string' ? path.resolve(opts.corpus) : defaultCorpusDir(projectRoot());
  let corpus = loadCorpus(dir);
  if (opts.validate !== undefined) {
    if (typeof opts.validate !== 'string' || !opts.validate.trim()) throw new Error('--validate needs writer ids, for example --validate wj,wv,xe');
    notIntoModels('--validate writes models trained without some writers');
    corpus = validationSplit(corpus, writerList(opts.validate));
  }
  fs.mkdirSync(out, { recursive: true });
  const train = corpus.messages.filter((m) => m.split === 'train');
  if (part === undefined) {
    process.stdout.write(`corpus ${corpus.hash}: ${corpus.messages.length} messages, ${train.length} in train; fitting the urgent classifier and the other models at once\n`);
    return runParts(argv);
  }
  if (part === 'rest') {
    fitIntent(train, corpus.hash, out);
    return trainOnGuidance(train, corpus.hash, out, answerModel);
  }
  if (part === 'guidance') return trainOnGuidance(train, corpus.hash, out, answerModel);
  if (part === 'intent') {
    fitIntent(train, corpus.hash, out);
    return 0;
  }

  const urgent = trainUrgent(train, corpus.hash);
  saveArtefact('urgent', urgent.artefact, out);
  const u = urgent.report;
  process.stdout.write(
    `urgent   threshold ${u.threshold.toFixed(3)}; out-of-fold recall ${(100 * u.recall).toFixed(1)}%, false positives ${(100 * u.falsePositiveRate).toFixed(2)}%; ${urgent.artefact.members.reduce((a, m) => a + Object.keys(m.model.weights).length, 0)} weights\n`,
  );
  return 0;
}

/** The command classifier and its gate. */
function fitIntent(train: CorpusMessage[], corpusHash: string, out: string): void {
  const intent = trainIntent(train, corpusHash);
  saveArtefact('intent', intent.artefact, out);
  const i = intent.report;
  const a = intent.artefact;
  const weights = [a.model, ...(a.members ?? []).map((m) => m.model)].reduce((n, m) => n + Object.keys(m.weights).length, 0);
  process.stdout.write(
    `intent   threshold ${i.threshold.toFixed(3)}; out-of-fold commands routed ${(100 * i.routed).toFixed(1)}% (${i.wrongCommand} read as another command), questions misrouted ${i.misrouted}; offered from ${i.offer.toFixed(3)}: commands offered ${(100 * i.offered).toFixed(1)}%, questions shown an offer ${(100 * i.questionsOffered).toFixed(1)}%; ${1 + (a.members?.length ?? 0)} member${a.members?.length ? 's' : ''}, ${weights} weights\n`,
  );
}

/** The models that read the guidance's passages: the ranker and answer model, sentences, follow-ups. */
async function trainOnGuidance(train: CorpusMessage[], corpusHash: string, out: string, answerModel: AnswerModel): Promise<number> {
  // The ranker learns on the bundled guidance: the passages the corpus's gold snippets come from.
  const config = loadConfigOrExit(process.env);
  const { chunks } = await loadFolderChunks(path.resolve(config.guidanceDir));
  const index = buildLexicalIndex(chunks);
  const ranker = trainRankerWithFollowUps(train, index, corpusHash, answerModel);
  saveArtefact('ranker', ranker.artefact, out);
  saveArtefact('questions', { corpusHash, questions: ranker.questions, exchanges: ranker.exchanges }, out);
  const r = ranker.report;
  const fr = ranker.followUpReport;
  const at = r.atThreshold;
  process.stdout.write(
    `ranker   ${r.questions} questions (${r.oof.answerable} answerable); out-of-fold right passage first ${(100 * r.oof.hit1).toFixed(1)}%, top three ${(100 * r.oof.hit3).toFixed(1)}%, in candidates ${(100 * r.goldInCandidates).toFixed(1)}%\n` +
      `answer   thresholds answer ${r.thresholds.answer}, closest ${r.thresholds.closest}; out-of-fold: out-of-scope declined ${(100 * at.oosDeclined).toFixed(1)}%, answerable refused ${(100 * at.answerableRefused).toFixed(1)}%, confident but wrong ${(100 * at.confidentWrong).toFixed(1)}%; stated cost ${r.cost.atThreshold.toFixed(3)}\n` +
      `         follow-ups (second turns read with the first answer's passages), by their own models (with the earlier exchanges): threshold ${ranker.artefact.followUp?.answer}, cover floor ${ranker.artefact.followUp?.minCover}; out-of-fold: out-of-scope declined ${(100 * fr.atFollowUp.oosDeclined).toFixed(1)}%, answerable refused ${(100 * fr.atFollowUp.answerableRefused).toFixed(1)}%, confident but wrong ${(100 * fr.atFollowUp.confidentWrong).toFixed(1)}% (by the question models: ${(100 * r.atFollowUp.oosDeclined).toFixed(1)}%, ${(100 * r.atFollowUp.answerableRefused).toFixed(1)}%, ${(100 * r.atFollowUp.confidentWrong).toFixed(1)}%)\n` +
      `         as if about a document nobody has asked about yet: out-of-scope declined ${(100 * r.atThresholdUnasked.oosDeclined).toFixed(1)}%, answerable refused ${(100 * r.atThresholdUnasked.answerableRefused).toFixed(1)}% (${(100 * r.atThresholdUnasked.belowClosest).toFixed(1)}% below "the closest I found"); stated cost ${r.cost.unasked.toFixed(3)}\n` +
      `         term weights learned for ${Object.keys(ranker.artefact.necessity?.terms ?? {}).length} words\n`,
  );
  const units = trainUnits(train, index, corpusHash);
  saveArtefact('units', units.artefact, out);
  const us = units.report;
  process.stdout.write(
    `units    ${us.questions} questions; the sentence ranked first holds a fact asked for: out-of-fold ${(100 * us.oofFirst).toFixed(1)}% (by shared words ${(100 * us.lexicalFirst).toFixed(1)}%), in the first two ${(100 * us.oofTopTwo).toFixed(1)}% (${(100 * us.lexicalTopTwo).toFixed(1)}%)\n`,
  );
  const follow = trainFollowUp(train, new Ranker(index), corpusHash);
  saveArtefact('follow-up', follow.artefact, out);
  const fu = follow.report;
  process.stdout.write(
    `follow   threshold ${fu.threshold.toFixed(3)}; out-of-fold follow-ups recognised ${(100 * fu.recall).toFixed(1)}%, standalone questions taken for follow-ups ${(100 * fu.falseRate).toFixed(1)}%\n`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`train failed: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
