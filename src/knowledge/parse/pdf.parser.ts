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
