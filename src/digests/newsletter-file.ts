import * as path from 'node:path';
import { UserInputError } from '../errors';
import { DocumentParseError, parseDocumentBytes } from '../knowledge/parse/document.parser';
import { DEFAULT_PARSE_LIMITS, type ParseLimits } from '../knowledge/parse/limits';

export const NEWSLETTER_EXTENSIONS = ['.md', '.markdown', '.txt', '.html', '.htm', '.pdf', '.docx'] as const;

/**
 * Reads a newsletter file (a Teams attachment or a CLI argument) into text the composer takes:
 * markdown and HTML as they are, PDF and Word through the ingestion parsers, rebuilt as markdown.
 */
export async function readNewsletterFile(
  fileName: string,
  bytes: Buffer,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): Promise<{ content: string; format: 'markdown' | 'html'; title?: string }> {
  const ext = path.extname(fileName).toLowerCase();
  if (!(NEWSLETTER_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new UserInputError(`I can read newsletters as ${NEWSLETTER_EXTENSIONS.join(', ')} files, not ${ext || 'files without an extension'}.`, { file: 'unsupported type' });
  }
  if (ext === '.html' || ext === '.htm') return { content: bytes.toString('utf8'), format: 'html' };
  if (ext === '.md' || ext === '.markdown' || ext === '.txt') return { content: bytes.toString('utf8'), format: 'markdown' };
  let doc;
  try {
    doc = await parseDocumentBytes(fileName, bytes, {}, limits);
  } catch (e) {
    if (e instanceof DocumentParseError && e.tooLarge) {
      throw new UserInputError(`${path.basename(fileName)} is too large to read: ${/\(([^)]*)\)$/.exec(e.message)?.[1] ?? 'over the limit'}. Send a shorter file, or paste the newsletter with **digest new**.`, { file: 'too large' });
    }
    throw new UserInputError(`I could not read ${path.basename(fileName)}: is it a valid ${ext.slice(1).toUpperCase()} file?`, { file: 'unreadable' });
  }
  const lines = doc.blocks.map((b) => {
    switch (b.kind) {
      case 'heading':
        return `${'#'.repeat(Math.min(6, Math.max(1, b.level)))} ${b.text}`;
      case 'item':
      case 'row':
        return `- ${b.text}`;
      case 'break':
        return '---';
      default:
        return b.text;
    }
  });
  return { content: lines.join('\n\n'), format: 'markdown', title: doc.meta.title || undefined };
}
