import * as path from 'node:path';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { readGuidanceFolder } from './catalog';
import { chunkDocument } from './chunker';
import type { KnowledgeStore, DocumentSource } from './knowledge.store';
import { documentIdFor, type MetaOverrides } from './parse/document.parser';
import { parseFiles } from './local-corpus';
import type { ParseLimits } from './parse/limits';

export interface IngestReport {
  added: string[];
  updated: string[];
  unchanged: string[];
  removed: string[];
  /** One entry per file that could not be read; its previously stored version (if any) is kept. */
  failed: { file: string; message: string }[];
  chunks: number;
  ms: number;
}

export interface IngestService {
  /** Brings storage in step with a folder: new/changed files written, unchanged skipped, vanished ones removed. */
  ingestFolder(dir: string, source?: DocumentSource): Promise<IngestReport>;
  /** Ingests the given files (metadata from `meta`, e.g. CLI flags); nothing is removed. */
  ingestPaths(paths: string[], meta?: MetaOverrides, source?: DocumentSource): Promise<IngestReport>;
}

export function createIngestService(deps: { store: KnowledgeStore; clock: Clock; logger?: Logger; limits?: ParseLimits }): IngestService {
  const { store, clock, logger } = deps;

  async function ingest(files: { filePath: string; meta: MetaOverrides }[], source: DocumentSource, removeOthers: boolean): Promise<IngestReport> {
    const started = Date.now();
    const report: IngestReport = { added: [], updated: [], unchanged: [], removed: [], failed: [], chunks: 0, ms: 0 };
    const parsed = await parseFiles(files, deps.limits);
    report.failed.push(...parsed.errors);
    const existing = new Map((await store.listDocuments()).map((d) => [d.id, d]));
    for (const doc of parsed.documents) {
      const prev = existing.get(doc.meta.id);
      if (prev && prev.hash === doc.hash) {
        report.unchanged.push(doc.meta.id);
        continue;
      }
      const chunks = chunkDocument(doc);
      try {
        await store.saveDocument(doc, chunks, source, clock.now());
      } catch (e) {
        report.failed.push({ file: doc.meta.fileName, message: `${doc.meta.fileName}: could not be saved (${(e as Error).message})` });
        continue;
      }
      report.chunks += chunks.length;
      (prev ? report.updated : report.added).push(doc.meta.id);
      logger?.info({ docId: doc.meta.id, chunks: chunks.length, change: prev ? 'updated' : 'added' }, 'document ingested');
    }
    if (removeOthers) {
      const present = new Set(files.map((f) => f.meta.id ?? documentIdFor(f.filePath)));
      for (const d of existing.values()) {
        if (d.source !== source || present.has(d.id)) continue;
        if (await store.removeDocument(d.id)) {
          report.removed.push(d.id);
          logger?.info({ docId: d.id }, 'document removed');
        }
      }
    }
    for (const f of report.failed) logger?.warn({ file: path.basename(f.file) }, 'document not ingested');
    report.ms = Date.now() - started;
    return report;
  }

  return {
    async ingestFolder(dir, source = 'bundled') {
      return ingest(await readGuidanceFolder(dir), source, true);
    },
    async ingestPaths(paths, meta = {}, source = 'upload') {
      return ingest(paths.map((filePath) => ({ filePath, meta })), source, false);
    },
  };
}
