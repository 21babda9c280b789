/**
 * The follow-up exchanges a model set gets wrong on a validation split, sorted by kind (README Quality, eighteenth
 * session): for each answerable exchange whose first turn was answered right, whether the second was declined or
 * answered, where its answer stands (the passage just quoted or another), and whether the fact asked for is there.
 * A validation split only: the held-back split's misses are never read to tune anything.
 *
 *   node scripts/run-ts.js scripts/studies/follow-up-misses.ts MODELS_DIR WRITER,WRITER,… [--list]
 *
 * MODELS_DIR holds models trained with the same writers held out (`npm run train -- --validate WRITER,… --out DIR`);
 * models trained on other batches (`models/` included) are refused, as `npm run eval:corpus` refuses them.
 */
import * as path from 'node:path';
import { assertModelsTrainedOn, projectRoot, useModelsDir } from '../../src/knowledge/understand/artefacts';
import { defaultCorpusDir, loadCorpus, validationSplit, writerList } from '../../src/knowledge/understand/corpus';
import { judgeSecondTurn, rankOfGold } from '../../src/knowledge/understand/corpus-eval';
import { cliEngine } from '../../src/cli/cli-engine';

const [modelsDir, writers, list] = process.argv.slice(2);
if (!modelsDir || !writers) {
  process.stderr.write('usage: follow-up-misses.ts MODELS_DIR WRITER,WRITER,… [--list]\n');
  process.exit(2);
}
(async () => {
  const corpus = validationSplit(loadCorpus(defaultCorpusDir(projectRoot())), writerList(writers));
  assertModelsTrainedOn(path.resolve(modelsDir), corpus.hash, `npm run train -- --validate ${writers} --out ${modelsDir}`);
  useModelsDir(path.resolve(modelsDir));
  const { engine } = await cliEngine(undefined);
  // (as corpus-eval normalises passages)
  const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();
  const kinds = new Map<string, number>();
  let n = 0;
  let firstWrong = 0;
  let firstWrongMissed = 0;
  for (const m of corpus.messages.filter((x) => x.split === 'heldback' && x.kind === 'followup')) {
    const [t1, t2] = m.turns ?? [];
    if (!t1 || !t2 || t2.out_of_scope) continue;
    n++;
    const first = engine.converse(t1.message);
    const second = engine.converse(t2.message, first.context as never);
    // (right as `npm run eval:corpus` counts it)
    const { k, cited, facts, right } = judgeSecondTurn(t2, second.result);
    if (first.result.notFound || rankOfGold(t1.gold ?? [], first.result) !== 0) {
      firstWrong++;
      if (!right) firstWrongMissed++;
      continue;
    }
    if (right) continue;
    const quoted: string[] = (first.context as { chunkIds?: string[] } | undefined)?.chunkIds ?? [];
    const inQuoted = quoted.some((id) => {
      const c = engine.index.chunks.find((x) => x.id === id);
      return !!c && (t2.gold ?? []).some((g) => norm(c.text).includes(norm(g)));
    });
    const kind = `${second.result.notFound ? 'declined' : 'answered'}, answer ${inQuoted ? 'in the passage just quoted' : 'in another passage'}, right passage ${k === 0 ? 'first' : k > 0 ? (cited ? 'lower, cited' : 'lower, not cited') : 'not shown'}${second.result.notFound ? '' : facts ? ', fact there' : ', fact missing'}`;
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    if (list === '--list') console.log(`${m.id} [${kind}]\n  1: ${t1.message.slice(0, 140)}\n  2: ${t2.message}`);
  }
  const missed = [...kinds.values()].reduce((a, b) => a + b, 0);
  console.log(`answerable follow-up exchanges ${n}; first turn not answered right ${firstWrong} (second then missed ${firstWrongMissed}); of the other ${n - firstWrong}, missed ${missed}:`);
  for (const [k, c] of [...kinds].sort((a, b) => b[1] - a[1])) console.log(`  ${String(c).padStart(4)}  ${k}`);
})().catch((e: unknown) => {
  process.stderr.write(`follow-up-misses failed: ${(e as Error).message}\n`);
  process.exit(1);
});
