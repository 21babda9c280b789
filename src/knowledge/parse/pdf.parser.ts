import { execFile } from 'node:child_process';
import type { Block } from '../knowledge.types';
import { DEFAULT_PARSE_LIMITS, DocumentTooLargeError } from './limits';
import { parsePlainText } from './plain-text.parser';

/**
 * pdf.js (inside unpdf) runs in a child node process, never in the bot's: a PDF can make it work for as long
 * as it likes and allocate what it likes, so the child has a memory ceiling, is killed after the time limit,
 * and stops before reading anything when the document has more pages than the limit. (It also keeps pdf.js's
 * ES module loading out of hosts that cannot do it, such as jest's VM.)
 */
const CHILD_SCRIPT = `
const maxPages = Number(process.argv[1]);
const chunks = [];
process.stdin.on('data', (d) => chunks.push(d));
process.stdin.on('end', async () => {
  try {
    const { extractText, getDocumentProxy } = await import('unpdf');
    const pdf = await getDocumentProxy(new Uint8Array(Buffer.concat(chunks)), { verbosity: 0 });
    if (pdf.numPages > maxPages) {
      process.stderr.write('PAGES ' + pdf.numPages);
      process.exit(3);
    }
    const { text } = await extractText(pdf, { mergePages: false });
    process.stdout.write(JSON.stringify(text));
  } catch (e) {
    process.stderr.write(String(e && e.message || e).slice(0, 200));
    process.exit(1);
  }
});`;

const CHILD_MEMORY_MB = 512;

function pageTexts(bytes: Uint8Array, maxPages: number, timeoutMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [`--max-old-space-size=${CHILD_MEMORY_MB}`, '-e', CHILD_SCRIPT, String(maxPages)],
      { maxBuffer: 64 * 1024 * 1024, cwd: process.cwd(), timeout: timeoutMs, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        if (err) {
          const pages = /^PAGES (\d+)/.exec(stderr);
          if (pages) return reject(new DocumentTooLargeError(`it has ${pages[1]} pages; at most ${maxPages} are read`));
          if ((err as { killed?: boolean }).killed || (err as { signal?: string }).signal === 'SIGKILL') {
            return reject(new DocumentTooLargeError(`reading it took longer than ${Math.round(timeoutMs / 1000)} s`));
          }
          return reject(new Error(stderr.trim() || 'PDF text extraction failed'));
        }
        try {
          resolve(JSON.parse(stdout) as string[]);
        } catch {
          reject(new Error('PDF text extraction returned no text'));
        }
      },
    );
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(Buffer.from(bytes));
  });
}

/** Text per page through unpdf (pdf.js), in a child process; every block remembers its page for citations. */
export async function parsePdf(
  bytes: Uint8Array,
  limits: { pdfPages: number; pdfTimeoutMs: number } = DEFAULT_PARSE_LIMITS,
): Promise<Block[]> {
  const blocks: Block[] = [];
  (await pageTexts(bytes, limits.pdfPages, limits.pdfTimeoutMs)).forEach((pageText, i) => {
    for (const b of parsePlainText(pageText, i + 1)) blocks.push(b);
  });
  return blocks;
}
