/*
 * npm run ingest -- PATH… [--title T --kind newsletter|report|guidance --published YYYY-MM --url URL]
 * PATH may be a file or a folder (a folder is synced like the bundled guidance, catalog.json included).
 * Writes to Table storage (AZURE_STORAGE_CONNECTION_STRING); the running bot picks changes up on restart.
 */
import * as fs from 'node:fs';
import { systemClock } from '../clock';
import { loadConfigOrExit } from '../config';
import { createIngestService, type IngestReport } from '../knowledge/ingest.service';
import { createKnowledgeStore } from '../knowledge/knowledge.store';
import { toKind, type MetaOverrides } from '../knowledge/parse/document.parser';
import { openCliTables, parseArgs } from './cli-engine';

function print(r: IngestReport): void {
  const line = (label: string, ids: string[]) => ids.length && process.stdout.write(`${label.padEnd(10)} ${ids.join(', ')}\n`);
  line('added', r.added);
  line('updated', r.updated);
  line('unchanged', r.unchanged);
  line('removed', r.removed);
  for (const f of r.failed) process.stderr.write(`error      ${f.message}\n`);
  process.stdout.write(`${r.chunks} passages written in ${r.ms} ms\n`);
}

async function main(): Promise<number> {
  const { opts, rest } = parseArgs(process.argv.slice(2), ['title', 'kind', 'published', 'url']);
  if (rest.length === 0) {
    process.stderr.write('usage: npm run ingest -- PATH… [--title T] [--kind newsletter|report|guidance] [--published YYYY-MM] [--url URL]\n');
    return 2;
  }
  const config = loadConfigOrExit(process.env);
  // Unset means the local default: the Azurite that `npm start` runs, if it is up.
  const opened = await openCliTables(config);
  if ('problem' in opened) {
    process.stderr.write(`${opened.problem}\n`);
    return 1;
  }
  const { tables } = opened;
  const ingester = createIngestService({ store: createKnowledgeStore(tables), clock: systemClock });
  const meta: MetaOverrides = {};
  if (typeof opts.title === 'string') meta.title = opts.title;
  if (typeof opts.kind === 'string') meta.kind = toKind(opts.kind);
  if (typeof opts.published === 'string') meta.published = opts.published;
  if (typeof opts.url === 'string') meta.url = opts.url;
  let failed = 0;
  const files: string[] = [];
  for (const p of rest) {
    if (fs.existsSync(p) && fs.statSync(p).isDirectory()) {
      const r = await ingester.ingestFolder(p, 'bundled');
      print(r);
      failed += r.failed.length;
    } else files.push(p);
  }
  if (files.length) {
    if (files.length > 1 && meta.title) process.stderr.write('note: --title applies to every file given\n');
    const r = await ingester.ingestPaths(files, meta);
    print(r);
    failed += r.failed.length;
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`ingest failed: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
