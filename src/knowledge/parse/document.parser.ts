import { createHash } from 'node:crypto';

/**
 * Part of every document's content hash: bump it when parsing or chunking changes, so the next start re-ingests
 * documents already in storage (an unchanged file is otherwise skipped and would keep its old passages).
 */
export const INDEXING_VERSION = 'indexing-2026-11-23b';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Block, DocumentKind, DocumentMeta, ParsedDocument } from '../knowledge.types';
import { parseDocx } from './docx.parser';
import { parseHtml } from './html.parser';
import { parseMarkdown, splitFrontMatter } from './markdown.parser';
import { parsePdf } from './pdf.parser';
import { parsePlainText } from './plain-text.parser';
import { DEFAULT_PARSE_LIMITS, DocumentTooLargeError, type ParseLimits } from './limits';

export const SUPPORTED_EXTENSIONS = ['.txt', '.md', '.markdown', '.html', '.htm', '.pdf', '.docx'] as const;

/** A file that could not be read or parsed; the message names the file. */
export class DocumentParseError extends Error {
  constructor(
    readonly fileName: string,
    reason: string,
    /** The document is readable but over a limit (pages, unpacked size, reading time). */
    readonly tooLarge = false,
  ) {
    super(`${fileName}: ${tooLarge ? 'too large to read' : 'could not be read'} (${reason})`);
    this.name = 'DocumentParseError';
  }
}

export type MetaOverrides = Partial<Omit<DocumentMeta, 'fileName'>>;

/** Lower-case file stem with only characters that are safe as a table key. */
export function documentIdFor(fileName: string): string {
  return (
    path
      .basename(fileName, path.extname(fileName))
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'document'
  );
}

export function toKind(value: string | undefined): DocumentKind {
  const v = (value ?? '').toLowerCase();
  return v === 'newsletter' || v === 'report' || v === 'guidance' ? v : 'other';
}

/** "2016-03", "March 2016", "2016" → "YYYY-MM" / "YYYY"; anything else → "". */
export function normalisePublished(value: string | undefined): string {
  if (!value) return '';
  const v = value.trim();
  const iso = /^(\d{4})(?:-(\d{1,2}))?/.exec(v);
  if (iso) return iso[2] ? `${iso[1]}-${iso[2].padStart(2, '0')}` : iso[1];
  const d = new Date(v);
  if (!Number.isNaN(d.getTime())) return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  return '';
}

function firstHeading(blocks: Block[]): string | undefined {
  const h = blocks.find((b) => b.kind === 'heading');
  return h && h.kind === 'heading' ? h.text : undefined;
}

/**
 * Reads one file and parses it by extension. Metadata precedence: explicit overrides (catalog, CLI flags),
 * then front matter, then the first heading / the file name.
 */
export async function parseDocumentFile(filePath: string, overrides: MetaOverrides = {}, limits: ParseLimits = DEFAULT_PARSE_LIMITS): Promise<ParsedDocument> {
  const fileName = path.basename(filePath);
  const ext = path.extname(fileName).toLowerCase();
  if (!(SUPPORTED_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new DocumentParseError(fileName, `unsupported file type "${ext || 'none'}"; use ${SUPPORTED_EXTENSIONS.join(', ')}`);
  }
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(filePath);
  } catch (e) {
    throw new DocumentParseError(fileName, (e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
  return parseDocumentBytes(fileName, bytes, overrides, limits);
}

/** Same as parseDocumentFile for bytes already in memory (uploads, tests). */
export async function parseDocumentBytes(fileName: string, bytes: Buffer, overrides: MetaOverrides = {}, limits: ParseLimits = DEFAULT_PARSE_LIMITS): Promise<ParsedDocument> {
  const ext = path.extname(fileName).toLowerCase();
  if (!(SUPPORTED_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new DocumentParseError(fileName, `unsupported file type "${ext || 'none'}"; use ${SUPPORTED_EXTENSIONS.join(', ')}`);
  }
  let blocks: Block[];
  let front: Record<string, string> = {};
  try {
    if (ext === '.pdf') blocks = await parsePdf(bytes, limits);
    else if (ext === '.docx') blocks = await parseDocx(bytes, limits.docxUncompressedBytes);
    else {
      const text = bytes.toString('utf8');
      if (text.includes('\u0000')) throw new Error('binary content in a text file');
      if (ext === '.md' || ext === '.markdown') {
        front = splitFrontMatter(text.replace(/\r\n?/g, '\n')).meta;
        blocks = parseMarkdown(text);
      } else if (ext === '.html' || ext === '.htm') blocks = parseHtml(text);
      else blocks = parsePlainText(text);
    }
  } catch (e) {
    if (e instanceof DocumentParseError) throw e;
    throw new DocumentParseError(fileName, (e as Error).message || String(e), e instanceof DocumentTooLargeError);
  }
  if (!blocks.some((b) => b.kind !== 'heading' && b.kind !== 'break')) {
    throw new DocumentParseError(fileName, 'no readable text found');
  }
  const meta: DocumentMeta = {
    id: overrides.id ?? documentIdFor(fileName),
    title: overrides.title ?? front.title ?? firstHeading(blocks) ?? path.basename(fileName, ext),
    kind: overrides.kind ?? toKind(front.kind),
    published: normalisePublished(overrides.published ?? front.published ?? front.date),
    url: overrides.url ?? front.url ?? '',
    fileName,
  };
  const hash = createHash('sha256')
    .update(INDEXING_VERSION)
    .update(bytes)
    .update(JSON.stringify([meta.title, meta.kind, meta.published, meta.url]))
    .digest('hex');
  return { meta, blocks, hash };
}
