import mammoth from 'mammoth';
import type { Block } from '../knowledge.types';
import { parseHtml } from './html.parser';
import { DEFAULT_PARSE_LIMITS } from './limits';
import { checkZipSize } from './zip-guard';

/**
 * Word documents through mammoth (headings by style), then the HTML path. The zip is checked first, so a
 * document that unpacks to more than the limit (a zip bomb) is refused before mammoth unpacks anything.
 */
export async function parseDocx(bytes: Buffer, maxUncompressedBytes = DEFAULT_PARSE_LIMITS.docxUncompressedBytes): Promise<Block[]> {
  checkZipSize(bytes, maxUncompressedBytes);
  const { value } = await mammoth.convertToHtml({ buffer: bytes });
  return parseHtml(value);
}
