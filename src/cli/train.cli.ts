/*
 * npm run train [-- --corpus DIR] [--validate WRITER,… --out DIR]
 * Fits the language layer's models on the corpus's train split and writes models/*.json (with the corpus
 * hash they came from). Deterministic: the same corpus gives the same artefacts.
 * --validate: trains without those train writers (a validation split, see validationSplit) into --out, never
 * into models/; `npm run eval:corpus -- --validate … --models DIR` then measures on their messages.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { modelsDir, projectRoot, saveArtefact } from '../knowledge/understand/artefacts';
import { defaultCorpusDir, loadCorpus, validationSplit, writerList } from '../knowledge/understand/corpus';
import { trainIntent, trainUrgent } from '../knowledge/understand/train';
import { trainFollowUp, trainRanker } from '../knowledge/understand/train-ranker';
import { trainUnits } from '../knowledge/understand/train-units';
import { Ranker } from '../knowledge/understand/ranker';
import { buildLexicalIndex } from '../knowledge/search/lexical-index';
import { loadFolderChunks } from '../knowledge/local-corpus';
import { loadConfigOrExit } from '../config';
import { parseArgs } from './cli-engine';

async function main(): Promise<number> {
  const { opts } = parseArgs(process.argv.slice(2), ['corpus', 'out', 'validate']);
  const dir = typeof opts.corpus === 'string' ? path.resolve(opts.corpus) : defaultCorpusDir(projectRoot());
  const out = typeof opts.out === 'string' ? path.resolve(opts.out) : modelsDir();
  let corpus = loadCorpus(dir);
  if (opts.validate !== undefined) {
    if (typeof opts.validate !== 'string' || !opts.validate.trim()) throw new Error('--validate needs writer ids, for example --validate wj,wv,xe');
    if (typeof opts.out !== 'string' || path.resolve(out) === path.resolve(modelsDir())) throw new Error('--validate writes models trained without some writers: give another folder with --out');
    corpus = validationSplit(corpus, writerList(opts.validate));
  }
  fs.mkdirSync(out, { recursive: true });
  const train = corpus.messages.filter((m) => m.split === 'train');
  process.stdout.write(`corpus ${corpus.hash}: ${corpus.messages.length} messages, ${train.length} in train\n`);

  const urgent = trainUrgent(train, corpus.hash);
  saveArtefact('urgent', urgent.artefact, out);
  const u = urgent.report;
  process.stdout.write(
    `urgent   threshold ${u.threshold.toFixed(3)}; out-of-fold recall ${(100 * u.recall).toFixed(1)}%, false positives ${(100 * u.falsePositiveRate).toFixed(2)}%; ${urgent.artefact.members.reduce((a, m) => a + Object.keys(m.model.weights).length, 0)} weights\n`,
  );

  const intent = trainIntent(train, corpus.hash);
  saveArtefact('intent', intent.artefact, out);
  const i = intent.report;
  process.stdout.write(
    `intent   threshold ${i.threshold.toFixed(3)}; out-of-fold commands routed ${(100 * i.routed).toFixed(1)}%, questions misrouted ${i.misrouted}; offered from ${i.offer.toFixed(3)}: commands offered ${(100 * i.offered).toFixed(1)}%, questions shown an offer ${(100 * i.questionsOffered).toFixed(1)}%; ${Object.keys(intent.artefact.model.weights).length} weights\n`,
  );

  // The ranker learns on the bundled guidance: the passages the corpus's gold snippets come from.
  const config = loadConfigOrExit(process.env);
  const { chunks } = await loadFolderChunks(path.resolve(config.guidanceDir));
  const index = buildLexicalIndex(chunks);
  const ranker = trainRanker(train, index, corpus.hash);
  saveArtefact('ranker', ranker.artefact, out);
  saveArtefact('questions', { corpusHash: corpus.hash, questions: ranker.questions }, out);
  const r = ranker.report;
  const at = r.atThreshold;
  process.stdout.write(
    `ranker   ${r.questions} questions (${r.oof.answerable} answerable); out-of-fold right passage first ${(100 * r.oof.hit1).toFixed(1)}%, top three ${(100 * r.oof.hit3).toFixed(1)}%, in candidates ${(100 * r.goldInCandidates).toFixed(1)}%\n` +
      `answer   thresholds answer ${r.thresholds.answer}, closest ${r.thresholds.closest}; out-of-fold: out-of-scope declined ${(100 * at.oosDeclined).toFixed(1)}%, answerable refused ${(100 * at.answerableRefused).toFixed(1)}%, confident but wrong ${(100 * at.confidentWrong).toFixed(1)}%; stated cost ${r.cost.atThreshold.toFixed(3)}\n` +
      `         follow-ups (second turns read with the first answer's passages): threshold ${r.thresholds.followUp ?? r.thresholds.answer}; out-of-fold: out-of-scope declined ${(100 * r.atFollowUp.oosDeclined).toFixed(1)}%, answerable refused ${(100 * r.atFollowUp.answerableRefused).toFixed(1)}%, confident but wrong ${(100 * r.atFollowUp.confidentWrong).toFixed(1)}%\n` +
      `         as if about a document nobody has asked about yet: out-of-scope declined ${(100 * r.atThresholdUnasked.oosDeclined).toFixed(1)}%, answerable refused ${(100 * r.atThresholdUnasked.answerableRefused).toFixed(1)}% (${(100 * r.atThresholdUnasked.belowClosest).toFixed(1)}% below "the closest I found"); stated cost ${r.cost.unasked.toFixed(3)}\n` +
      `         term weights learned for ${Object.keys(ranker.artefact.necessity?.terms ?? {}).length} words\n`,
  );
  const units = trainUnits(train, index, corpus.hash);
  saveArtefact('units', units.artefact, out);
  const us = units.report;
  process.stdout.write(
    `units    ${us.questions} questions; the sentence ranked first holds a fact asked for: out-of-fold ${(100 * us.oofFirst).toFixed(1)}% (by shared words ${(100 * us.lexicalFirst).toFixed(1)}%), in the first two ${(100 * us.oofTopTwo).toFixed(1)}% (${(100 * us.lexicalTopTwo).toFixed(1)}%)\n`,
  );
  const follow = trainFollowUp(train, new Ranker(index), corpus.hash);
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
