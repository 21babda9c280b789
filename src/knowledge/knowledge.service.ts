import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Tables } from '../storage/tables';
import type { AnswerGenerator } from './answer/answer-generator';
import { createIngestService, type IngestReport } from './ingest.service';
import { createKnowledgeEngine, type KnowledgeEngine, type TurnOptions } from './knowledge-engine';
import type { ConversationContext } from './understand/follow-up';
import { createKnowledgeStore, type StoredDocument } from './knowledge.store';
import type { AnswerResult } from './knowledge.types';
import type { MetaOverrides } from './parse/document.parser';
import { semanticLayerFromConfig, type SemanticLayer, type SemanticStatus } from './semantic/semantic.service';

export interface KnowledgeService {
  /** Loads every stored passage and builds the search index (call once at start). */
  init(): Promise<void>;
  /** Syncs the bundled guidance folder into storage (unchanged files skipped) and rebuilds the index if anything changed. */
  ingestBundled(dir?: string): Promise<IngestReport>;
  /** Ingests uploaded/CLI files with optional metadata and rebuilds the index if anything changed. */
  ingestPaths(paths: string[], meta?: MetaOverrides): Promise<IngestReport>;
  removeDocument(id: string): Promise<boolean>;
  listDocuments(): Promise<StoredDocument[]>;
  ask(question: string): Promise<AnswerResult>;
  /** One turn of a conversation (follow-ups read against `context`; `docId` restricts the answer to one document). */
  converse(question: string, context?: ConversationContext, options?: TurnOptions): Promise<{ result: AnswerResult; context?: ConversationContext }>;
  documentCount(): number;
  chunkCount(): number;
  /**
   * Rebuilds the index when another instance changed the stored documents (compares every document's id and
   * generation with what the index was built from). Returns true when it rebuilt.
   */
  refreshIfChanged(): Promise<boolean>;
  /** Semantic retrieval's progress when an embeddings model is configured (undefined: lexical only). */
  semanticStatus(): SemanticStatus | undefined;
  /** Stops background work (passage embedding). */
  stop(): Promise<void>;
}

export interface KnowledgeServiceDeps {
  tables: Tables;
  config: Config;
  clock: Clock;
  logger?: Logger;
  generator?: AnswerGenerator;
  /** Semantic retrieval; default: from configuration (an embeddings model), none when unset. */
  semantic?: SemanticLayer;
}

/** The knowledge feature for the bot: Table storage for documents and passages, an in-memory index for answers. */
export function createKnowledgeService(deps: KnowledgeServiceDeps): KnowledgeService {
  const { tables, config, clock, logger, generator } = deps;
  const store = createKnowledgeStore(tables);
  const ingester = createIngestService({ store, clock, logger, limits: config.limits });
  const semantic = deps.semantic ?? semanticLayerFromConfig({ config, tables, clock, logger });
  let engine: KnowledgeEngine = createKnowledgeEngine([], { safety: config.safety, clock, generator });
  let docCount = 0;

  let builtFrom = '';
  const signature = async () =>
    (await store.listDocuments())
      .map((d) => `${d.id}@${d.generation}`)
      .sort()
      .join('|');

  async function reload(): Promise<void> {
    const started = Date.now();
    builtFrom = await signature();
    const chunks = await store.loadChunks();
    // With an embeddings model, passages without a current vector are embedded in the background; answers never wait.
    const fused = semantic ? { semantic: semantic.track(chunks), modelTimeoutMs: config.model.timeoutMs } : {};
    engine = createKnowledgeEngine(chunks, { safety: config.safety, clock, generator, ...fused });
    docCount = new Set(chunks.map((c) => c.docId)).size;
    logger?.info({ documents: docCount, chunks: chunks.length, ms: Date.now() - started }, 'knowledge index built');
  }

  const changed = (r: IngestReport) => r.added.length + r.updated.length + r.removed.length > 0;

  return {
    init: reload,
    async ingestBundled(dir = config.guidanceDir) {
      const report = await ingester.ingestFolder(dir, 'bundled');
      if (changed(report) || engine.chunks.length === 0) await reload();
      return report;
    },
    async ingestPaths(paths, meta) {
      const report = await ingester.ingestPaths(paths, meta, 'upload');
      if (changed(report)) await reload();
      return report;
    },
    async removeDocument(id) {
      const removed = await store.removeDocument(id);
      if (removed) await reload();
      return removed;
    },
    listDocuments: () => store.listDocuments(),
    ask: (question) => engine.ask(question),
    converse: (question, context, options) => engine.converseAsync(question, context, options),
    documentCount: () => docCount,
    chunkCount: () => engine.chunks.length,
    async refreshIfChanged() {
      if ((await signature()) === builtFrom) {
        semantic?.resume();
        return false;
      }
      await reload();
      return true;
    },
    semanticStatus: () => semantic?.status(),
    stop: async () => semantic?.stop(),
  };
}
