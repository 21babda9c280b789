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

/** One run of text on a PDF page, where it sits and how it is set (for readers that need layout, not just words). */
export interface PdfTextItem {
  str: string;
  x: number;
  y: number;
  /** Font size in points (the text matrix's scale). */
  size: number;
  /** pdf.js's id of the font (the same id means the same font, e.g. the bold face). */
  font: string;
  width: number;
  eol: boolean;
}

export interface PdfPageLayout {
  width: number;
  height: number;
  items: PdfTextItem[];
  /** Link annotations: the address and the rectangle [x1, y1, x2, y2] it covers. */
  links: { url: string; rect: number[] }[];
}

// Serialised into the child process below (so it must not refer to anything outside itself).
async function layoutOf(getDocumentProxy: (data: Uint8Array, opts: object) => Promise<any>, bytes: Uint8Array, maxPages: number): Promise<PdfPageLayout[] | { pages: number }> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  if (pdf.numPages > maxPages) return { pages: pdf.numPages };
  const pages: PdfPageLayout[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const [x0, y0, x1, y1] = page.view as number[];
    const tc = await page.getTextContent();
    const items = (tc.items as any[])
      .filter((i) => 'str' in i)
      .map((i) => ({ str: i.str, x: i.transform[4], y: i.transform[5], size: Math.hypot(i.transform[0], i.transform[1]) || i.height, font: i.fontName, width: i.width, eol: Boolean(i.hasEOL) }));
    const links = ((await page.getAnnotations()) as any[])
      .filter((a) => a.subtype === 'Link' && (a.url || a.unsafeUrl))
      .map((a) => ({ url: String(a.url || a.unsafeUrl), rect: a.rect as number[] }));
    pages.push({ width: x1 - x0, height: y1 - y0, items, links });
  }
  return pages;
}

/**
 * Text runs with their position, size and font, per page, plus link annotations (through unpdf's pdf.js) — in
 * a child process with the same memory ceiling, page limit and time limit as parsePdf.
 */
export async function pdfPageLayout(
  bytes: Uint8Array,
  limits: { pdfPages: number; pdfTimeoutMs: number } = DEFAULT_PARSE_LIMITS,
): Promise<PdfPageLayout[]> {
  const script = `const layoutOf = ${layoutOf.toString()};
const maxPages = Number(process.argv[1]);
const chunks = [];
process.stdin.on('data', (d) => chunks.push(d));
process.stdin.on('end', async () => {
  try {
    const { getDocumentProxy } = await import('unpdf');
    const out = await layoutOf(getDocumentProxy, Buffer.concat(chunks), maxPages);
    if (!Array.isArray(out)) { process.stderr.write('PAGES ' + out.pages); process.exit(3); }
    process.stdout.write(JSON.stringify(out));
  } catch (e) { process.stderr.write(String(e && e.message || e).slice(0, 200)); process.exit(1); }
});`;
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [`--max-old-space-size=${CHILD_MEMORY_MB}`, '-e', script, String(limits.pdfPages)],
      { maxBuffer: 256 * 1024 * 1024, cwd: process.cwd(), timeout: limits.pdfTimeoutMs, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        if (err) {
          const pages = /^PAGES (\d+)/.exec(stderr);
          if (pages) return reject(new DocumentTooLargeError(`it has ${pages[1]} pages; at most ${limits.pdfPages} are read`));
          if ((err as { killed?: boolean }).killed || (err as { signal?: string }).signal === 'SIGKILL') {
            return reject(new DocumentTooLargeError(`reading it took longer than ${Math.round(limits.pdfTimeoutMs / 1000)} s`));
          }
          return reject(new Error(stderr.trim() || err.message));
        }
        try {
          resolve(JSON.parse(stdout) as PdfPageLayout[]);
        } catch {
          reject(new Error('PDF layout extraction returned no text'));
        }
      },
    );
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(Buffer.from(bytes));
  });
}
