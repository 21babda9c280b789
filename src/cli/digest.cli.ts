/*
 * npm run digest -- create FILE [--title T] [--published YYYY-MM-DD] [--url https://…]
 * npm run digest -- list
 * Creates a draft digest from a newsletter file (.txt, .md, .html, .pdf, .docx) in Table storage; an admin then
 * previews it in Teams ("digest preview ID") and sends or schedules it there.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { systemClock } from '../clock';
import { loadConfigOrExit } from '../config';
import { createDeliveryEngine } from '../delivery/delivery.engine';
import { DeliveryError, type Notifier } from '../delivery/notifier';
import { createDigestService } from '../digests/digest.service';
import { readNewsletterFile } from '../digests/newsletter-file';
import { UserInputError } from '../errors';
import { createLogger } from '../logger';
import { openCliTables, parseArgs } from './cli-engine';

const USAGE = 'usage: npm run digest -- create FILE [--title T] [--published YYYY-MM-DD] [--url https://…]\n       npm run digest -- list\n';

/** The CLI never sends: sending happens in the bot, which holds the Teams credentials. */
const noSend: Notifier = {
  send: async () => {
    throw new DeliveryError(0, 'the CLI does not send');
  },
  update: async () => undefined,
};

async function main(): Promise<number> {
  const { opts, rest } = parseArgs(process.argv.slice(2), ['title', 'published', 'url']);
  const [command, file] = rest;
  if (command !== 'create' && command !== 'list') {
    process.stderr.write(USAGE);
    return 2;
  }
  const config = loadConfigOrExit(process.env);
  const opened = await openCliTables(config);
  if ('problem' in opened) {
    process.stderr.write(`${opened.problem}\n`);
    return 1;
  }
  const { tables } = opened;
  const logger = createLogger('silent');
  const engine = createDeliveryEngine({ tables, notifier: noSend, clock: systemClock, logger, ratePerSecond: config.delivery.ratePerSecond });
  const digests = createDigestService({
    tables,
    engine,
    notifier: noSend,
    clock: systemClock,
    config,
    logger,
    // The size check needs a rendering; the record's JSON is close to the card's size (cards/ is not loaded here).
    render: { digest: (d) => ({ text: JSON.stringify(d) }), progress: () => ({}) },
  });

  if (command === 'list') {
    for (const { digest: d, progress: p } of await digests.listReports(50)) {
      const c = p ?? d.counts;
      process.stdout.write(`${d.id}  ${d.status.padEnd(9)} ${d.published}  ${d.title}${c ? `  (${c.sent} sent, ${c.failed} failed, ${c.blocked} blocked)` : ''}\n`);
    }
    return 0;
  }
  if (!file) {
    process.stderr.write(USAGE);
    return 2;
  }
  const read = await readNewsletterFile(file, fs.readFileSync(file));
  const d = await digests.create({
    content: read.content,
    format: read.format,
    title: typeof opts.title === 'string' ? opts.title : read.title && read.title !== path.basename(file) ? read.title : undefined,
    published: typeof opts.published === 'string' ? opts.published : undefined,
    url: typeof opts.url === 'string' ? opts.url : undefined,
    createdBy: 'cli',
  });
  process.stdout.write(`created draft ${d.id}: "${d.title}" (${d.published}), ${d.totalItems} items\n`);
  for (const item of d.items.slice(0, 8)) process.stdout.write(`  - ${item.headline || `(untitled) ${item.summary.slice(0, 70)}…`}\n`);
  if (d.totalItems > 8) process.stdout.write(`  …and ${d.totalItems - 8} more\n`);
  process.stdout.write(`Preview and send it in Teams: "digest preview ${d.id}".\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    if (e instanceof UserInputError) {
      const fields = e.fieldErrors ? ` (${Object.entries(e.fieldErrors).map(([k, v]) => `${k}: ${v}`).join('; ')})` : '';
      process.stderr.write(`${e.message}${fields}\n`);
      process.exit(2);
    }
    process.stderr.write(`digest failed: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
