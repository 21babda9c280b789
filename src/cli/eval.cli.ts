/*
 * npm run eval -- FILE.jsonl [--dir DIR] [--verbose]
 * FILE: {"id","kind","question","gold":[...],"facts":[...],"intent"?} per line. Scored in-process with the
 * same engine as `npm run ask` (hit@k on sources[].text, facts in the first 800 characters of the answer).
 */
import * as fs from 'node:fs';
import type { AnswerResult } from '../knowledge/knowledge.types';
import { cliEngine, parseArgs } from './cli-engine';

interface Item {
  id: string;
  kind: string;
  question: string;
  gold?: string[];
  facts?: string[];
  intent?: string;
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();
const pct = (a: number, b: number) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`);
const ANSWERABLE = new Set(['lookup', 'paraphrase', 'multi']);

function rankOf(item: Item, r: AnswerResult): number {
  const gold = (item.gold ?? []).map(norm);
  return r.sources.slice(0, 5).findIndex((s) => gold.some((g) => norm(s.text).includes(g)));
}

async function main(): Promise<number> {
  const { opts, rest } = parseArgs(process.argv.slice(2), ['dir']);
  const file = rest[0];
  if (!file) {
    process.stderr.write('usage: npm run eval -- FILE.jsonl [--dir DIR] [--verbose]\n');
    return 2;
  }
  const items: Item[] = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
  const { engine } = await cliEngine(typeof opts.dir === 'string' ? opts.dir : undefined);

  let answerable = 0, h1 = 0, h3 = 0, h5 = 0, rr = 0, facts = 0, factsFound = 0;
  let oos = 0, declined = 0, urgentN = 0, urgentOk = 0, falseUrgent = 0, falseNotFound = 0, intents = 0, intentsOk = 0;
  const misses: string[] = [];
  for (const item of items) {
    const r = engine.askExtractive(item.question);
    const head800 = norm(r.answer.slice(0, 800));
    if (ANSWERABLE.has(item.kind) && (item.gold ?? []).length) {
      answerable++;
      const k = rankOf(item, r);
      if (k === 0) h1++;
      if (k >= 0 && k < 3) h3++;
      if (k >= 0 && k < 5) h5++;
      if (k >= 0) rr += 1 / (k + 1);
      if (r.notFound) falseNotFound++;
      const f = item.facts ?? [];
      const found = f.filter((x) => head800.includes(norm(x)));
      facts += f.length;
      factsFound += found.length;
      if (k !== 0 || found.length < f.length || r.notFound)
        misses.push(`${item.id} ${item.kind} rank=${k} facts=${found.length}/${f.length}${r.notFound ? ' NOT-FOUND' : ''}: ${item.question}`);
    }
    if (item.kind === 'out_of_scope') {
      oos++;
      if (r.notFound) declined++;
      else misses.push(`${item.id} out_of_scope answered: ${item.question}`);
    }
    if (item.kind === 'urgent') {
      urgentN++;
      if (r.urgent && r.answer.slice(0, 400).includes('999')) urgentOk++;
      else misses.push(`${item.id} urgent missed: ${item.question}`);
    } else if (r.urgent) {
      falseUrgent++;
      misses.push(`${item.id} false urgent: ${item.question}`);
    }
    if (item.intent) {
      intents++;
      if (r.intent === item.intent) intentsOk++;
      else misses.push(`${item.id} intent ${r.intent ?? 'none'} != ${item.intent}: ${item.question}`);
    }
    if (opts.verbose) process.stdout.write(`\n# ${item.id} ${item.question}\n${r.answer}\n`);
  }
  const out = [
    `questions          ${items.length} (${answerable} answerable, ${oos} out of scope, ${urgentN} urgent, ${intents} commands)`,
    `hit@1              ${pct(h1, answerable)}`,
    `hit@3              ${pct(h3, answerable)}`,
    `hit@5              ${pct(h5, answerable)}`,
    `MRR                ${answerable ? (rr / answerable).toFixed(3) : 'n/a'}`,
    `fact recall        ${pct(factsFound, facts)} (${factsFound}/${facts} facts in the first 800 characters)`,
    `out-of-scope       ${declined}/${oos} declined`,
    `urgent handled     ${urgentOk}/${urgentN} (999 in the first 400 characters)`,
    `false urgent       ${falseUrgent}`,
    `false not-found    ${falseNotFound}`,
    `commands routed    ${intentsOk}/${intents}`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  if (misses.length) process.stdout.write(`\nmisses:\n${misses.map((m) => `  ${m}`).join('\n')}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`eval failed: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
