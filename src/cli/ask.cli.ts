/*
 * npm run --silent ask -- "question"              human-readable answer
 * npm run --silent ask -- --json "question"       one JSON line
 * npm run --silent ask -- --json --batch FILE     FILE: JSON lines with {"id","question"}; one JSON line out per line in
 * Options: --dir DIR (guidance folder; default GUIDANCE_DIR or ./guidance)
 */
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import type { AnswerResult } from '../knowledge/knowledge.types';
import { cliEngine, parseArgs } from './cli-engine';

function toJsonLine(id: unknown, question: string, r: AnswerResult): string {
  return JSON.stringify({
    id,
    question,
    answer: r.answer,
    notFound: r.notFound,
    urgent: r.urgent,
    ...(r.intent ? { intent: r.intent } : {}),
    sources: r.sources.slice(0, 5).map((s) => ({
      title: s.title,
      section: s.section,
      published: s.published,
      url: s.url,
      text: s.text,
      score: s.score,
      ...(s.outdated ? { outdated: true } : {}),
    })),
  });
}

function toHuman(r: AnswerResult): string {
  const lines = [r.answer];
  const cited = r.sources.filter((s) => new RegExp(`\\[${s.n}\\]`).test(r.answer));
  if (cited.length) {
    lines.push('', 'Sources:');
    for (const s of cited) {
      const date = s.published ? ` (${s.published})` : '';
      lines.push(`[${s.n}] ${s.title}${s.section ? ` — ${s.section}` : ''}${date}${s.url ? ` ${s.url}` : ''}${s.outdated ? `  ⚠ ${s.ageNotice}` : ''}`);
    }
  }
  if (r.followUps.length) lines.push('', 'You could also ask:', ...r.followUps.map((f) => `• ${f}`));
  if (r.intent) lines.push('', `(This is the "${r.intent}" command in Teams.)`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  const { opts, rest } = parseArgs(process.argv.slice(2), ['batch', 'dir']);
  const { engine, errors } = await cliEngine(typeof opts.dir === 'string' ? opts.dir : undefined);
  for (const e of errors) process.stderr.write(`warning: ${e}\n`);
  if (typeof opts.batch === 'string') {
    const input = opts.batch === '-' ? process.stdin : fs.createReadStream(opts.batch, 'utf8');
    const rl = readline.createInterface({ input, crlfDelay: Infinity });
    let lineNo = 0;
    for await (const line of rl) {
      lineNo++;
      if (!line.trim()) continue;
      let item: { id?: unknown; question?: unknown };
      try {
        item = JSON.parse(line);
      } catch {
        process.stderr.write(`line ${lineNo}: not JSON, skipped\n`);
        continue;
      }
      const question = typeof item.question === 'string' ? item.question : '';
      const r = engine.askExtractive(question);
      process.stdout.write(`${toJsonLine(item.id ?? lineNo, question, r)}\n`);
    }
    return 0;
  }
  const question = rest.join(' ');
  if (!question.trim()) {
    process.stderr.write('usage: npm run --silent ask -- [--json] "question"  |  npm run --silent ask -- --json --batch FILE\n');
    return 2;
  }
  const r = engine.askExtractive(question);
  process.stdout.write(`${opts.json ? toJsonLine(null, question, r) : toHuman(r)}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`ask failed: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
