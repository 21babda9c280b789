/**
 * Two sets of models on the same held-back messages, message by message (README Quality, twenty-second session):
 * for each kind of failure, how many messages fail with A only, with B only, and with both, and the exact two-sided
 * sign test on the messages where they differ — so a keep rule can ask whether a count moved by more than two
 * equally good models would differ by. Prints counts only, never a message: the held-back split is measured, not
 * read. The last column is each kind's p adjusted by Holm's step-down method over all the kinds printed, so that a
 * keep rule reading ten kinds at once does not find a "significant" change by looking at ten.
 *
 *   node scripts/run-ts.js scripts/studies/paired-compare.ts CORPUS_A MODELS_A CORPUS_B MODELS_B [--code-a DIR]
 *
 * Each CORPUS is the corpus its MODELS were trained on (`npm run train -- --corpus DIR --out MODELS`; for the
 * committed models, test/fixtures/messages and models); both must hold the same held-back messages. A change to
 * the code that serves (not only trains) is compared with `--code-a DIR`: side A is scored by the checkout in DIR
 * (for example `git worktree add DIR HEAD`, with its node_modules linked), side B by this one.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/** The kind of each failure line `eval:corpus --misses` prints (corpus-eval.ts), by message id. */
export function failures(lines: string[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (kind: string, id: string) => (out.get(kind) ?? out.set(kind, new Set()).get(kind)!).add(id);
  for (const line of lines) {
    const m = line.match(/^\s*(\S+) (.*)$/);
    if (!m) continue;
    const [, id, rest] = m;
    if (rest.startsWith('urgent missed')) add('urgent missed', id);
    else if (rest.startsWith('false urgent')) add('non-urgent flagged', id);
    else if (rest.startsWith('question routed to')) add('question routed to a command', id);
    else if (rest.startsWith('intent ')) add('command not routed', id);
    else if (rest.startsWith('out-of-scope answered')) add('near miss answered', id);
    else if (rest.startsWith('followup out-of-scope answered')) add('out-of-scope follow-up answered', id);
    else if (rest.startsWith('followup rank=')) add('follow-up not right', id);
    else if (rest.startsWith('answerable rank=')) {
      const a = rest.match(/^answerable rank=(-?\d+) facts=(\d+)\/(\d+)( NOT-FOUND)?/);
      if (!a) continue;
      if (a[4]) add('answerable refused', id);
      if (a[1] !== '0') add('right passage not first', id);
      if (Number(a[2]) < Number(a[3])) add('facts missing', id);
    }
  }
  return out;
}

/** Exact two-sided sign test: the chance of a split at least this uneven among n differing messages. */
export function signTest(onlyA: number, onlyB: number): number {
  const n = onlyA + onlyB;
  if (n === 0) return 1;
  const k = Math.min(onlyA, onlyB);
  // Binomial(n, 1/2) probabilities built in log space, so no power of two overflows however many messages differ.
  let logTerm = -n * Math.LN2; // log P(X = 0)
  let tail = 0;
  for (let i = 0; i <= k; i++) {
    tail += Math.exp(logTerm);
    logTerm += Math.log(n - i) - Math.log(i + 1);
  }
  return Math.min(1, 2 * tail);
}

/**
 * Holm's step-down adjustment of several p-values (same order as given): the i-th smallest is multiplied by
 * (m − i + 1), and no adjusted value is smaller than the one before it in that order; capped at 1.
 */
export function holm(ps: number[]): number[] {
  const m = ps.length;
  const order = ps.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}

/** The held-back messages' count line and failure lines of `eval:corpus --misses` for these models. */
function heldBackMisses(corpus: string, models: string, root = path.resolve(__dirname, '..', '..')): { messages: string; lines: string[] } {
  const out = execFileSync(process.execPath, [path.join(root, 'scripts', 'run-ts.js'), path.join(root, 'src', 'cli', 'eval-corpus.cli.ts'), '--corpus', corpus, '--models', models, '--split', 'heldback', '--misses', '1000000'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const messages = out.match(/^messages\s+.*$/m)?.[0] ?? '';
  const at = out.indexOf('\nheldback misses');
  return { messages, lines: at < 0 ? [] : out.slice(at).split('\n').slice(2) };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const inline = args.findIndex((a) => a.startsWith('--code-a='));
  if (inline >= 0) args.splice(inline, 1, '--code-a', args[inline].slice('--code-a='.length));
  const at = args.indexOf('--code-a');
  const codeA = at >= 0 ? args.splice(at, 2)[1] : undefined;
  const [corpusA, modelsA, corpusB, modelsB] = args;
  if (!modelsB || (at >= 0 && !codeA)) {
    process.stderr.write('usage: paired-compare.ts CORPUS_A MODELS_A CORPUS_B MODELS_B [--code-a DIR]\n');
    process.exit(2);
  }
  const runA = heldBackMisses(path.resolve(corpusA), path.resolve(modelsA), codeA ? path.resolve(codeA) : undefined);
  const runB = heldBackMisses(path.resolve(corpusB), path.resolve(modelsB));
  // The two corpora must hold the same held-back messages (the extra batches of a retraining are train batches).
  const heldA = runA.messages.trim().split(/\s+/).pop();
  const heldB = runB.messages.trim().split(/\s+/).pop();
  if (!heldA || heldA !== heldB) {
    process.stderr.write(`the two corpora hold different held-back splits (${heldA ?? '?'} and ${heldB ?? '?'} messages)\n`);
    process.exit(1);
  }
  const a = failures(runA.lines);
  const b = failures(runB.lines);
  console.log(`held back, failures by kind: A = ${modelsA}${codeA ? ` (code in ${codeA})` : ''}, B = ${modelsB}`);
  console.log(`${'kind'.padEnd(34)}${'A'.padStart(6)}${'B'.padStart(6)}${'A only'.padStart(8)}${'B only'.padStart(8)}${'both'.padStart(6)}  sign test p  Holm p`);
  const rows = [...new Set([...a.keys(), ...b.keys()])].sort().map((kind) => {
    const sa = a.get(kind) ?? new Set<string>();
    const sb = b.get(kind) ?? new Set<string>();
    const onlyA = [...sa].filter((id) => !sb.has(id)).length;
    const onlyB = [...sb].filter((id) => !sa.has(id)).length;
    return { kind, sa, sb, onlyA, onlyB, p: signTest(onlyA, onlyB) };
  });
  const adjusted = holm(rows.map((r) => r.p));
  rows.forEach(({ kind, sa, sb, onlyA, onlyB, p }, i) => {
    console.log(`${kind.padEnd(34)}${String(sa.size).padStart(6)}${String(sb.size).padStart(6)}${String(onlyA).padStart(8)}${String(onlyB).padStart(8)}${String(sa.size - onlyA).padStart(6)}  ${p.toFixed(3).padStart(11)}  ${adjusted[i].toFixed(3).padStart(6)}`);
  });
}
