/**
 * The language layer on the held-back split of the message corpus (messages from writers the models never saw),
 * scored the way the shared evaluation scores `npm run ask -- --json --batch`. Deterministic: the committed
 * models, the bundled guidance, a fixed date; no timing.
 *
 * Each measure has the target and a floor. Where the target is met, the floor is the target, so the
 * suite fails if quality falls below it; where it is not met yet, the floor is the level reached (a regression
 * guard), and the README says which targets are still open. Floors go up with the models; one moves down only
 * when the models trade that measure for others at a cost stated and fitted on the train split (declining near
 * misses against refusing answerable questions, see README Quality), never to let a regression through, and
 * the commit that moves it says so with both figures. (When the held-back split grows — new held-back batches
 * joined — a floor is the level reached on the grown split, and the same measure on the old messages alone is
 * given beside it.)
 */
import * as path from 'node:path';
import { defaultCorpusDir, loadCorpus } from '../../../src/knowledge/understand/corpus';
import { evaluateCorpus, formatFigures, type SplitFigures } from '../../../src/knowledge/understand/corpus-eval';
import { bundledGuidanceEngine } from '../../helpers/guidance-engine';

type Measure = { name: string; value: (f: SplitFigures) => number; target: number; floor: number; lowerIsBetter?: boolean };

const share = (a: number, b: number) => (b ? a / b : 0);
const MEASURES: Measure[] = [
  { name: 'urgent messages led with 999', value: (f) => share(f.urgent.led999, f.urgent.n), target: 1, floor: 1 },
  { name: 'non-urgent messages flagged urgent', value: (f) => share(f.nonUrgent.flagged, f.nonUrgent.n), target: 0.02, floor: 0.0281, lowerIsBetter: true },
  // Floors moved when the held-back batches zr–zs joined (fifteenth session: 160 hard commands, 126 routed, and 40
  // questions with the same nouns), the committed models unchanged. Before → with them: commands routed 607/632 →
  // 733/792; routed or offered 619/632 → 762/792; questions routed to a command 7 → 8; answerable refused 78/1,172 →
  // 81/1,192. And again when zy joined (twenty-first session: 54 requests shaped as how-to questions, 44 routed, 30
  // answerable and 16 near-miss how-to questions), the committed models unchanged: commands routed 733/792 → 777/846;
  // routed or offered 762/792 → 811/846; answerable refused 81/1,192 → 87/1,222; questions routed to a command 8 → 8.
  { name: 'commands routed', value: (f) => share(f.commands.routed, f.commands.n), target: 0.98, floor: 0.918 },
  // No issue target of its own: a command not routed but offered as one tap under the answer (INTENT_MAX_OFFERED).
  { name: 'commands routed or offered', value: (f) => share(f.commands.routed + f.commands.offered, f.commands.n), target: 0.98, floor: 0.958 },
  { name: 'questions shown a command offer (the stated budget: 5 % of training questions out of fold)', value: (f) => share(f.questionsOffered, f.questions), target: 0.05, floor: 0.05, lowerIsBetter: true },
  { name: 'questions routed to a command', value: (f) => f.questionsRoutedToCommand, target: 0, floor: 8, lowerIsBetter: true },
  { name: 'out-of-scope questions declined', value: (f) => share(f.outOfScope.declined, f.outOfScope.n), target: 0.9, floor: 0.9 },
  { name: 'answerable questions refused', value: (f) => share(f.answerable.refused, f.answerable.n), target: 0.05, floor: 0.0712, lowerIsBetter: true },
  { name: 'confident answers from the wrong passage', value: (f) => share(f.answerable.confidentWrong, f.answerable.confident), target: 0.05, floor: 0.05, lowerIsBetter: true },
  { name: 'right passage first', value: (f) => share(f.answerable.h1, f.answerable.n), target: 0.85, floor: 0.85 },
  { name: 'right passage in the top three', value: (f) => share(f.answerable.h3, f.answerable.n), target: 0.95, floor: 0.95 },
  { name: 'facts in the first 800 characters', value: (f) => share(f.answerable.factsFound, f.answerable.facts), target: 0.85, floor: 0.85 },
  { name: 'follow-up exchanges right', value: (f) => share(f.followups.right, f.followups.n), target: 0.85, floor: 0.82 },
  // No issue target of its own: the out-of-scope target applies to a follow-up the guidance does not answer too.
  { name: 'out-of-scope follow-ups declined', value: (f) => share(f.followupsOutOfScope.declined, f.followupsOutOfScope.n), target: 0.9, floor: 0.9 },
];

describe('language quality on the held-back split', () => {
  let held: SplitFigures;
  beforeAll(async () => {
    const engine = await bundledGuidanceEngine();
    const corpus = loadCorpus(defaultCorpusDir(path.join(__dirname, '..', '..', '..')));
    const figs = evaluateCorpus(
      corpus.messages.filter((m) => m.split === 'heldback'),
      { ask: (message, context) => engine.converse(message, context as never) },
    );
    held = figs.heldback;
    // The figures, for whoever reads the test output.
    process.stdout.write(`${formatFigures(figs)}\n`);
  }, 120_000);

  it.each(MEASURES.map((m) => [m.name, m] as const))('%s', (_name, m) => {
    const v = m.value(held);
    if (m.lowerIsBetter) expect(v).toBeLessThanOrEqual(m.floor);
    else expect(v).toBeGreaterThanOrEqual(m.floor);
  });

  it('floors are never below the issue targets they claim to meet', () => {
    for (const m of MEASURES) {
      const met = m.lowerIsBetter ? m.value(held) <= m.target : m.value(held) >= m.target;
      if (met) expect(m.floor).toBe(m.target);
    }
  });
});
