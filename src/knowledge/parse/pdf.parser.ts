import { execFile } from 'node:child_process';
import type { Block } from '../knowledge.types';
import { parsePlainText } from './plain-text.parser';

/** pdf.js (inside unpdf) is an ES module loaded with import(); hosts without ESM loading (jest's VM) use a child node. */
async function pageTexts(bytes: Uint8Array): Promise<string[]> {
  try {
    const { extractText, getDocumentProxy } = await import('unpdf');
    const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
    return (await extractText(pdf, { mergePages: false })).text;
  } catch (e) {
    const msg = String((e as Error)?.message ?? e);
    if (!/DYNAMIC_IMPORT|experimental-vm-modules|ERR_REQUIRE_ESM|bundle could not be resolved/i.test(msg)) throw e;
    return pageTextsInChild(bytes);
  }
}

const CHILD_SCRIPT = `
const chunks = [];
process.stdin.on('data', (d) => chunks.push(d));
process.stdin.on('end', async () => {
  try {
    const { extractText, getDocumentProxy } = await import('unpdf');
    const pdf = await getDocumentProxy(new Uint8Array(Buffer.concat(chunks)), { verbosity: 0 });
    const { text } = await extractText(pdf, { mergePages: false });
    process.stdout.write(JSON.stringify(text));
  } catch (e) {
    process.stderr.write(String(e && e.message || e));
    process.exit(1);
  }
});`;

function pageTextsInChild(bytes: Uint8Array): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['-e', CHILD_SCRIPT], { maxBuffer: 256 * 1024 * 1024, cwd: process.cwd() }, (err, stdout, stderr) => {
      if (err) return reject(new Error(stderr.trim() || err.message));
      try {
        resolve(JSON.parse(stdout) as string[]);
      } catch {
        reject(new Error('PDF text extraction returned no text'));
      }
    });
    child.stdin?.end(Buffer.from(bytes));
  });
}

/** Text per page through unpdf (pdf.js); every block remembers its page for citations. */
export async function parsePdf(bytes: Uint8Array): Promise<Block[]> {
  const blocks: Block[] = [];
  (await pageTexts(bytes)).forEach((pageText, i) => {
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

// The same extraction, in TypeScript for this process and as a script for a child node (jest's VM cannot import ESM).
async function layoutOf(getDocumentProxy: (data: Uint8Array, opts: object) => Promise<any>, bytes: Uint8Array): Promise<PdfPageLayout[]> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
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

/** Text runs with their position, size and font, per page, plus link annotations (through unpdf's pdf.js). */
export async function pdfPageLayout(bytes: Uint8Array): Promise<PdfPageLayout[]> {
  try {
    const { getDocumentProxy } = await import('unpdf');
    return await layoutOf(getDocumentProxy as never, bytes);
  } catch (e) {
    const msg = String((e as Error)?.message ?? e);
    if (!/DYNAMIC_IMPORT|experimental-vm-modules|ERR_REQUIRE_ESM|bundle could not be resolved/i.test(msg)) throw e;
    const script = `const layoutOf = ${layoutOf.toString()};
const chunks = [];
process.stdin.on('data', (d) => chunks.push(d));
process.stdin.on('end', async () => {
  try { const { getDocumentProxy } = await import('unpdf'); process.stdout.write(JSON.stringify(await layoutOf(getDocumentProxy, Buffer.concat(chunks)))); }
  catch (e) { process.stderr.write(String(e && e.message || e)); process.exit(1); }
});`;
    return runInChild<PdfPageLayout[]>(script, bytes);
  }
}

function runInChild<T>(script: string, bytes: Uint8Array): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['-e', script], { maxBuffer: 256 * 1024 * 1024, cwd: process.cwd() }, (err, stdout, stderr) => {
      if (err) return reject(new Error(stderr.trim() || err.message));
      try {
        resolve(JSON.parse(stdout) as T);
      } catch {
        reject(new Error('PDF text extraction returned no text'));
      }
    });
    child.stdin?.end(Buffer.from(bytes));
  });
}
