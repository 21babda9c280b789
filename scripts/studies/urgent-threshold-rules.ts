/**
 * How stable each urgent threshold rule is across retrainings, on out-of-fold scores of the training split only
 * (never the held-back one): reads the dumps of `urgent-threshold-oof.ts --dump` (one per training corpus, e.g. the
 * committed corpus and the same with waiting batches joined) and prints, for each rule, the threshold it picks on
 * each, with the training urgent messages it misses and the share of non-urgent training messages it flags.
 *
 *   node scripts/run-ts.js scripts/studies/urgent-threshold-rules.ts DUMP.json [DUMP.json …]
 *
 * Rules: the shipped one (`recallFirstThreshold`: the second-lowest urgent score, lowered to the
 * `URGENT_FALSE_ALARM_BUDGET` point — 3 % since the twenty-second session — when that is lower), the same with the
 * 2 % cap it had before, the k-th lowest urgent score, a low quantile of the urgent scores with a 0.5 margin,
 * and the point where a stated share of non-urgent messages is flagged (README Quality, twenty-first session).
 */
import * as fs from 'node:fs';
import { falseAlarmPoint, recallFirstThreshold } from '../../src/knowledge/understand/train';

type Rule = (pos: number[], neg: number[]) => number;
/** pos ascending (the k-th lowest is pos[k - 1]). */
const flaggedPoint = (share: number): Rule => (_p, n) => falseAlarmPoint(n, share);
const RULES: [string, Rule][] = [
  ['shipped (recallFirstThreshold)', (p, n) => recallFirstThreshold(p, n).threshold],
  ['2nd lowest, 2 % cap (until 22nd)', (p, n) => recallFirstThreshold(p, n, 1, 1, 0.02).threshold],
  ['2nd lowest urgent', (p) => p[1]],
  ['3rd lowest urgent', (p) => p[2]],
  ['5th lowest urgent', (p) => p[4]],
  ['urgent 1 % quantile x 0.5', (p) => p[Math.floor(0.01 * p.length)] * 0.5],
  ['urgent 2 % quantile x 0.5', (p) => p[Math.floor(0.02 * p.length)] * 0.5],
  ['3 % of non-urgent flagged', flaggedPoint(0.03)],
  ['2.5 % of non-urgent flagged', flaggedPoint(0.025)],
  ['2 % of non-urgent flagged', flaggedPoint(0.02)],
];

const files = process.argv.slice(2);
if (files.length === 0) throw new Error('usage: node scripts/run-ts.js scripts/studies/urgent-threshold-rules.ts DUMP.json [DUMP.json …]');
const dumps = files.map((f) => {
  const d = JSON.parse(fs.readFileSync(f, 'utf8')) as { corpus: string; pos: number[]; neg: number[] };
  return { f, corpus: d.corpus, pos: [...d.pos].sort((a, b) => a - b), neg: [...d.neg].sort((a, b) => b - a) };
});
for (const d of dumps) console.log(`${d.f}: corpus ${d.corpus}, ${d.pos.length} urgent, ${d.neg.length} not; lowest urgent scores ${d.pos.slice(0, 5).map((x) => x.toFixed(3)).join(' ')}`);
for (const [name, rule] of RULES) {
  const cells = dumps.map(({ pos, neg }) => {
    const t = rule(pos, neg);
    const missed = pos.filter((x) => x < t).length;
    const flagged = neg.filter((x) => x >= t).length / neg.length;
    return { t, text: `${t.toFixed(3)} (missed ${missed}, flagged ${(100 * flagged).toFixed(2)} %)` };
  });
  const ts = cells.map((c) => c.t);
  console.log(`${name.padEnd(32)} spread ${(Math.max(...ts) - Math.min(...ts)).toFixed(3)}  ${cells.map((c) => c.text).join(' | ')}`);
}
