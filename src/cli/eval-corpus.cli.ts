/*
 * npm run eval:corpus [-- --corpus DIR] [--split train|heldback] [--distinct] [--misses N] [--dir GUIDANCE]
 *                     [--validate WRITER,… --models DIR | --models DIR]
 * Per-kind figures of the language layer on the message corpus, train and held-back splits side by side.
 * --distinct leaves out held-back messages that nearly repeat a train message (same text, or 70 % of their
 * words in common), to show the held-back figures do not lean on wording the models have seen.
 * Tune on train; the held-back split is for measuring only.
 * --validate with --models: the validation split (those train writers' messages, in the held-back column; the
 * real held-back messages not loaded), read by the models `npm run train -- --validate … --out DIR` wrote.
 * --models alone: the models `npm run train -- --corpus DIR --out MODELS` wrote for this corpus (a retraining
 * scored before it replaces models/); refused when they were trained on other train batches.
 */
import * as path from 'node:path';
import { assertModelsTrainedOn, projectRoot, useModelsDir } from '../knowledge/understand/artefacts';
import { defaultCorpusDir, loadCorpus, nearDuplicates, validationSplit, writerList } from '../knowledge/understand/corpus';
import { evaluateCorpus, formatFigures } from '../knowledge/understand/corpus-eval';
import { cliEngine, parseArgs } from './cli-engine';

async function main(): Promise<number> {
  const { opts } = parseArgs(process.argv.slice(2), ['corpus', 'split', 'misses', 'dir', 'validate', 'models']);
  const distinct = opts.distinct === true;
  const dir = typeof opts.corpus === 'string' ? path.resolve(opts.corpus) : defaultCorpusDir(projectRoot());
  let corpus = loadCorpus(dir);
  if (opts.validate !== undefined || opts.models !== undefined) {
    if (opts.validate !== undefined && typeof opts.validate !== 'string') throw new Error('--validate needs writer ids, for example --validate wj,wv,xe');
    if (typeof opts.models !== 'string') throw new Error('--validate WRITER,… needs --models DIR (models trained with the same --validate)');
    const models = path.resolve(opts.models);
    // With --validate: models trained without those writers. Alone: models trained on this corpus's train batches
    // into another folder (`npm run train -- --corpus DIR --out MODELS`), scored before they replace models/.
    if (typeof opts.validate === 'string') corpus = validationSplit(corpus, writerList(opts.validate));
    const retrain = typeof opts.validate === 'string' ? `npm run train -- --validate ${opts.validate} --out ${opts.models}` : `npm run train -- --corpus ${dir} --out ${opts.models}`;
    assertModelsTrainedOn(models, corpus.hash, retrain);
    useModelsDir(models);
    if (typeof opts.validate === 'string') process.stdout.write(`validation split: the train messages of ${opts.validate} in the held-back column, models from ${models}\n`);
    else process.stdout.write(`models from ${models}\n`);
  }
  const { engine } = await cliEngine(typeof opts.dir === 'string' ? opts.dir : undefined);
  let messages = typeof opts.split === 'string' ? corpus.messages.filter((m) => m.split === opts.split) : corpus.messages;
  if (distinct) {
    const dups = nearDuplicates(messages.filter((m) => m.split === 'heldback'), corpus.messages.filter((m) => m.split === 'train'));
    messages = messages.filter((m) => !dups.has(m.id));
    process.stdout.write(`--distinct: ${dups.size} held-back messages that nearly repeat a train message left out\n`);
  }
  const figs = evaluateCorpus(messages, { ask: (message, context) => engine.converse(message, context as never) });
  process.stdout.write(`corpus ${corpus.hash} (the train batches' hash; ${corpus.messages.length} messages)\n\n${formatFigures(figs)}\n`);
  const n = typeof opts.misses === 'string' ? Number(opts.misses) : 0;
  if (n > 0) {
    for (const split of ['train', 'heldback'] as const) {
      const list = figs[split].misses;
      if (!list.length) continue;
      process.stdout.write(`\n${split} misses (${list.length}, first ${Math.min(n, list.length)}):\n${list.slice(0, n).map((m) => `  ${m}`).join('\n')}\n`);
    }
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`eval:corpus failed: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
