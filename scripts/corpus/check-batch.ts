/*
 * node scripts/run-ts.js scripts/corpus/check-batch.ts BATCH.jsonl [--passages OUT.jsonl]
 *
 * The writers' validator for a new batch of the message corpus (test/fixtures/messages/README.md): every line
 * keeps to the protocol (fields, kinds, risk categories, intents; one split and writer in the file), every gold
 * snippet and fact is verbatim in one indexed passage, and no message nearly repeats one already written (in
 * `messages/`, `messages-next/` or earlier lines of the batch: the same text, or 70 % of their words in common).
 * Prints each problem with its line's id, then the counts by kind; "OK" and exit 0 only when there is none.
 * --passages writes the indexed passages (pid, doc, title, published, heading, text), one a line, for writers.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { foldText, nearDuplicates } from '../../src/knowledge/understand/corpus';
import { loadFolderChunks } from '../../src/knowledge/local-corpus';
import { goldProblems, readBatch } from './protocol';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures');

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--passages');
  const passagesOut = at >= 0 ? args.splice(at, 2)[1] : undefined;
  const { chunks } = await loadFolderChunks(path.join(ROOT, 'guidance'));
  if (passagesOut !== undefined) {
    if (!passagesOut) throw new Error('--passages needs a file to write');
    const lines = chunks.map((c) => JSON.stringify({ pid: c.id, doc: c.docId, title: c.title, published: c.published, heading: c.headingPath.join(' › '), text: c.text }));
    fs.writeFileSync(passagesOut, lines.join('\n') + '\n');
    process.stdout.write(`wrote ${lines.length} passages to ${passagesOut}\n`);
    if (!args.length) return 0;
  }
  const file = args[0];
  if (!file) {
    process.stderr.write('usage: check-batch.ts BATCH.jsonl [--passages OUT.jsonl]\n');
    return 2;
  }
  const { messages, problems } = readBatch(fs.readFileSync(file, 'utf8'));
  const passages = chunks.map((c) => foldText(c.text));
  const gold = (id: string, snippets: string[] | undefined, facts: string[] | undefined) => {
    for (const g of snippets ?? []) if (g.length < 25 || g.length > 160) problems.push(`${id}: gold snippet of ${g.length} characters (25–160): ${g.slice(0, 60)}`);
    problems.push(...goldProblems(id, snippets, facts, passages));
  };
  for (const m of messages) {
    if (m.kind === 'answerable') gold(m.id, m.gold, m.facts);
    if (m.kind === 'followup')
      (m.turns ?? []).forEach((t, i) => {
        if (!t.message?.trim()) problems.push(`${m.id} turn ${i + 1}: empty message`);
        if (i === 1 && t.out_of_scope) {
          if (!t.near || t.gold || t.facts) problems.push(`${m.id} turn 2: an out-of-scope second turn has "near" and no gold or facts`);
        } else gold(`${m.id} turn ${i + 1}`, t.gold, t.facts);
      });
  }
  // Near repeats of anything already written, and of the batch's own earlier lines.
  const base = path.resolve(file);
  const written = ['messages', 'messages-next'].flatMap((d) =>
    fs
      .readdirSync(path.join(FIXTURES, d))
      .filter((f) => f.endsWith('.jsonl') && path.join(FIXTURES, d, f) !== base)
      .flatMap((f) => readBatch(fs.readFileSync(path.join(FIXTURES, d, f), 'utf8')).messages),
  );
  for (const id of nearDuplicates(messages, written)) problems.push(`${id}: nearly repeats a message already in the corpus — reword it`);
  messages.forEach((m, i) => {
    if (i > 0 && nearDuplicates([m], messages.slice(0, i)).size) problems.push(`${m.id}: nearly repeats an earlier line of this batch — reword it`);
  });

  for (const p of problems) process.stdout.write(`${p}\n`);
  const counts = new Map<string, number>();
  const bump = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);
  for (const m of messages) {
    bump(m.kind);
    if (m.kind === 'urgent' || m.kind === 'topic') bump(`${m.kind}:${m.risk}`);
    if (m.kind === 'command') bump(`command:${m.intent}`);
    if (m.kind === 'followup') bump(m.turns?.[1]?.out_of_scope ? 'followup:second-out-of-scope' : m.leans === false ? 'followup:new-topic' : 'followup:leaning');
  }
  process.stdout.write(`${messages.length} lines: ${[...counts].sort().map(([k, n]) => `${k} ${n}`).join(', ')}\n`);
  process.stdout.write(problems.length ? `${problems.length} problem${problems.length === 1 ? '' : 's'}\n` : 'OK\n');
  return problems.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`check-batch: ${e.message}\n`);
    process.exit(1);
  },
);
