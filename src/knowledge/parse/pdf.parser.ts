import { extractText, getDocumentProxy } from 'unpdf';
import type { Block } from '../knowledge.types';
import { parsePlainText } from './plain-text.parser';

/** Text per page through unpdf (pdf.js); every block remembers its page for citations. */
export async function parsePdf(bytes: Uint8Array): Promise<Block[]> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  const { text } = await extractText(pdf, { mergePages: false });
  const blocks: Block[] = [];
  text.forEach((pageText, i) => {
    for (const b of parsePlainText(pageText, i + 1)) blocks.push(b);
  });
  return blocks;
}
