/*
 * npm run eval:corpus [-- --corpus DIR] [--split train|heldback] [--distinct] [--misses N] [--dir GUIDANCE]
 * Per-kind figures of the language layer on the message corpus, train and held-back splits side by side.
 * --distinct leaves out held-back messages that nearly repeat a train message (same text, or 70 % of their
 * words in common), to show the held-back figures do not lean on wording the models have seen.
 * Tune on train; the held-back split is for measuring only.
 */
import * as path from 'node:path';
import { projectRoot } from '../knowledge/understand/artefacts';
import { defaultCorpusDir, loadCorpus, nearDuplicates } from '../knowledge/understand/corpus';
import { evaluateCorpus, formatFigures } from '../knowledge/understand/corpus-eval';
import { cliEngine, parseArgs } from './cli-engine';

async function main(): Promise<number> {
  const { opts } = parseArgs(process.argv.slice(2), ['corpus', 'split', 'misses', 'dir']);
  const distinct = opts.distinct === true;
  const dir = typeof opts.corpus === 'string' ? path.resolve(opts.corpus) : defaultCorpusDir(projectRoot());
  const corpus = loadCorpus(dir);
  const { engine } = await cliEngine(typeof opts.dir === 'string' ? opts.dir : undefined);
  let messages = typeof opts.split === 'string' ? corpus.messages.filter((m) => m.split === opts.split) : corpus.messages;
  if (distinct) {
    const dups = nearDuplicates(messages.filter((m) => m.split === 'heldback'), corpus.messages.filter((m) => m.split === 'train'));
    messages = messages.filter((m) => !dups.has(m.id));
    process.stdout.write(`--distinct: ${dups.size} held-back messages that nearly repeat a train message left out\n`);
  }
  const figs = evaluateCorpus(messages, { ask: (message, context) => engine.converse(message, context as never) });
  process.stdout.write(`corpus ${corpus.hash} (${corpus.messages.length} messages)\n\n${formatFigures(figs)}\n`);
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
