import * as path from 'node:path';
import mammoth from 'mammoth';
import { UserInputError } from '../errors';
import { pdfPageLayout } from '../knowledge/parse/pdf.parser';
import { DEFAULT_PARSE_LIMITS, DocumentTooLargeError, type ParseLimits } from '../knowledge/parse/limits';
import { checkZipSize } from '../knowledge/parse/zip-guard';
import { blocksToMarkdown } from './compose/blocks';
import { readPdfLayout } from './compose/pdf.reader';

export const NEWSLETTER_EXTENSIONS = ['.md', '.markdown', '.txt', '.html', '.htm', '.pdf', '.docx'] as const;

/**
 * Reads a newsletter file (a Teams attachment or a CLI argument) into text the composer takes: plain text,
 * markdown and HTML as they are; Word through mammoth as HTML (headings by style, bold, links, tables); PDF from its
 * layout (type sizes, faces, spacing, link annotations) rebuilt as markdown.
 */
export async function readNewsletterFile(
  fileName: string,
  bytes: Buffer,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): Promise<{ content: string; format: 'markdown' | 'html' | 'text'; title?: string }> {
  const ext = path.extname(fileName).toLowerCase();
  if (!(NEWSLETTER_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new UserInputError(`I can read newsletters as ${NEWSLETTER_EXTENSIONS.join(', ')} files, not ${ext || 'files without an extension'}.`, { file: 'unsupported type' });
  }
  if (ext === '.html' || ext === '.htm') return { content: bytes.toString('utf8'), format: 'html' };
  if (ext === '.md' || ext === '.markdown') return { content: bytes.toString('utf8'), format: 'markdown' };
  if (ext === '.txt') return { content: bytes.toString('utf8'), format: 'text' };
  const unreadable = () => new UserInputError(`I could not read ${path.basename(fileName)}: is it a valid ${ext.slice(1).toUpperCase()} file?`, { file: 'unreadable' });
  const tooLarge = (e: DocumentTooLargeError) =>
    new UserInputError(`${path.basename(fileName)} is too large to read: ${e.message}. Send a shorter file, or paste the newsletter with **digest new**.`, { file: 'too large' });
  if (ext === '.docx') {
    // The zip is checked before mammoth unpacks anything (a zip bomb is refused, not inflated).
    try {
      checkZipSize(bytes, limits.docxUncompressedBytes);
    } catch (e) {
      if (e instanceof DocumentTooLargeError) throw tooLarge(e);
      throw unreadable();
    }
    let html: string;
    try {
      html = (await mammoth.convertToHtml({ buffer: bytes })).value;
    } catch {
      throw unreadable();
    }
    if (!html.trim()) throw unreadable();
    return { content: html, format: 'html' };
  }
  let markdown: string;
  try {
    markdown = blocksToMarkdown(readPdfLayout(await pdfPageLayout(new Uint8Array(bytes), limits)));
  } catch (e) {
    if (e instanceof DocumentTooLargeError) throw tooLarge(e);
    throw unreadable();
  }
  if (!markdown.trim()) throw new UserInputError(`${path.basename(fileName)} has no text I can read (is it a scanned image?). Paste the newsletter's text instead.`, { file: 'no text' });
  return { content: markdown, format: 'markdown' };
}
