import mammoth from 'mammoth';
import type { Block } from '../knowledge.types';
import { parseHtml } from './html.parser';

/** Word documents through mammoth (headings by style), then the HTML path. */
export async function parseDocx(bytes: Buffer): Promise<Block[]> {
  const { value } = await mammoth.convertToHtml({ buffer: bytes });
  return parseHtml(value);
}
