import { readGuidanceFolder } from './catalog';
import { chunkDocument } from './chunker';
import type { Chunk, DocumentMeta, ParsedDocument } from './knowledge.types';
import { DocumentParseError, parseDocumentFile, type MetaOverrides } from './parse/document.parser';
import type { ParseLimits } from './parse/limits';

export interface ParseReport {
  documents: ParsedDocument[];
  errors: { file: string; message: string }[];
}

/** Parses files one by one; a file that fails is reported by name and the others carry on. */
export async function parseFiles(files: { filePath: string; meta: MetaOverrides }[], limits?: ParseLimits): Promise<ParseReport> {
  const documents: ParsedDocument[] = [];
  const errors: ParseReport['errors'] = [];
  for (const f of files) {
    try {
      documents.push(await parseDocumentFile(f.filePath, f.meta, limits));
    } catch (e) {
      const message = e instanceof DocumentParseError ? e.message : `${f.filePath}: ${(e as Error).message}`;
      errors.push({ file: f.filePath, message });
    }
  }
  return { documents, errors };
}

/** The whole guidance folder as passages, in memory (the CLI, eval and bench use this; no storage). */
export async function loadFolderChunks(dir: string): Promise<{ chunks: Chunk[]; documents: DocumentMeta[]; errors: ParseReport['errors'] }> {
  const chunks: Chunk[] = [];
  const documents: DocumentMeta[] = [];
  const errors: ParseReport['errors'] = [];
  // One file at a time, so parsed blocks are garbage once chunked (a big corpus stays small in memory).
  for (const entry of await readGuidanceFolder(dir)) {
    const report = await parseFiles([entry]);
    errors.push(...report.errors);
    for (const d of report.documents) {
      documents.push(d.meta);
      chunks.push(...chunkDocument(d));
    }
  }
  return { chunks, documents, errors };
}
