import { randomBytes } from 'node:crypto';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { getOrUndefined, isNotFound, odataString, type Tables } from '../storage/tables';
import type { Chunk, DocumentKind, DocumentMeta, ParsedDocument } from './knowledge.types';

/** Where a document came from: the bundled guidance folder (kept in step with it) or an upload/CLI run. */
export type DocumentSource = 'bundled' | 'upload';

export interface StoredDocument extends DocumentMeta {
  hash: string;
  generation: string;
  chunkCount: number;
  source: DocumentSource;
  ingestedAt: string;
}

interface DocumentEntity {
  title: string;
  kind: string;
  published: string;
  url: string;
  fileName: string;
  hash: string;
  generation: string;
  chunkCount: number;
  source: string;
  ingestedAt: string;
}

interface ChunkEntity {
  ordinal: number;
  text: string;
  headingPath: string;
  page?: number;
}

const DOC_PARTITION = 'doc';
const BATCH = 100;

export interface KnowledgeStore {
  getDocument(id: string): Promise<StoredDocument | undefined>;
  listDocuments(): Promise<StoredDocument[]>;
  /**
   * Writes a document's passages as a new generation, then switches the document row to it, then
   * deletes the previous generation: a reader never sees half a document.
   */
  saveDocument(doc: ParsedDocument, chunks: Chunk[], source: DocumentSource, at: Date): Promise<void>;
  removeDocument(id: string): Promise<boolean>;
  /** Every passage of every document's current generation. */
  loadChunks(): Promise<Chunk[]>;
}

export function createKnowledgeStore(tables: Tables): KnowledgeStore {
  const docs = () => tables.client('Documents');
  const chunksTable = () => tables.client('Chunks');

  const toStored = (e: DocumentEntity & { rowKey: string }): StoredDocument => ({
    id: e.rowKey,
    title: e.title,
    kind: e.kind as DocumentKind,
    published: e.published,
    url: e.url,
    fileName: e.fileName,
    hash: e.hash,
    generation: e.generation,
    chunkCount: e.chunkCount,
    source: e.source === 'bundled' ? 'bundled' : 'upload',
    ingestedAt: e.ingestedAt,
  });

  async function deleteGeneration(client: TableClient, docId: string, generation?: string): Promise<void> {
    const filter = generation
      ? `PartitionKey eq ${odataString(docId)} and RowKey ge ${odataString(`${generation}-`)} and RowKey lt ${odataString(`${generation}.`)}`
      : `PartitionKey eq ${odataString(docId)}`;
    const keys: string[] = [];
    for await (const e of client.listEntities({ queryOptions: { filter, select: ['RowKey'] } })) keys.push(e.rowKey as string);
    for (let i = 0; i < keys.length; i += BATCH) {
      const actions: TransactionAction[] = keys.slice(i, i + BATCH).map((rowKey) => ['delete', { partitionKey: docId, rowKey }]);
      try {
        await client.submitTransaction(actions);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }

  async function listChunks(doc: StoredDocument): Promise<Chunk[]> {
    const filter = `PartitionKey eq ${odataString(doc.id)} and RowKey ge ${odataString(`${doc.generation}-`)} and RowKey lt ${odataString(`${doc.generation}.`)}`;
    const out: Chunk[] = [];
    for await (const e of chunksTable().listEntities<ChunkEntity>({ queryOptions: { filter } })) {
      out.push({
        id: `${doc.id}#${e.ordinal}`,
        docId: doc.id,
        ordinal: e.ordinal,
        headingPath: JSON.parse(e.headingPath) as string[],
        ...(e.page ? { page: e.page } : {}),
        text: e.text,
        title: doc.title,
        kind: doc.kind,
        published: doc.published,
        url: doc.url,
      });
    }
    return out.sort((a, b) => a.ordinal - b.ordinal);
  }

  return {
    async getDocument(id) {
      const e = await getOrUndefined<DocumentEntity>(docs(), DOC_PARTITION, id);
      return e ? toStored(e) : undefined;
    },
    async listDocuments() {
      const out: StoredDocument[] = [];
      for await (const e of docs().listEntities<DocumentEntity>({ queryOptions: { filter: `PartitionKey eq '${DOC_PARTITION}'` } })) {
        out.push(toStored(e as DocumentEntity & { rowKey: string }));
      }
      return out.sort((a, b) => a.id.localeCompare(b.id));
    },
    async saveDocument(doc, chunks, source, at) {
      const previous = await getOrUndefined<DocumentEntity>(docs(), DOC_PARTITION, doc.meta.id);
      const generation = `${at.getTime().toString(36)}${randomBytes(3).toString('hex')}`;
      const client = chunksTable();
      for (let i = 0; i < chunks.length; i += BATCH) {
        const actions: TransactionAction[] = chunks.slice(i, i + BATCH).map((c) => [
          'upsert',
          {
            partitionKey: doc.meta.id,
            rowKey: `${generation}-${String(c.ordinal).padStart(6, '0')}`,
            ordinal: c.ordinal,
            text: c.text,
            headingPath: JSON.stringify(c.headingPath),
            ...(c.page ? { page: c.page } : {}),
          },
        ]);
        await client.submitTransaction(actions);
      }
      const entity = {
        partitionKey: DOC_PARTITION,
        rowKey: doc.meta.id,
        title: doc.meta.title,
        kind: doc.meta.kind,
        published: doc.meta.published,
        url: doc.meta.url,
        fileName: doc.meta.fileName,
        hash: doc.hash,
        generation,
        chunkCount: chunks.length,
        source,
        ingestedAt: at.toISOString(),
      };
      try {
        if (previous) await docs().updateEntity(entity, 'Replace', { etag: previous.etag });
        else await docs().createEntity(entity);
      } catch (e) {
        // Someone else switched the document first: drop what we wrote, keep theirs.
        await deleteGeneration(client, doc.meta.id, generation);
        throw e;
      }
      if (previous) await deleteGeneration(client, doc.meta.id, previous.generation);
    },
    async removeDocument(id) {
      const previous = await getOrUndefined<DocumentEntity>(docs(), DOC_PARTITION, id);
      if (!previous) return false;
      await docs().deleteEntity(DOC_PARTITION, id);
      await deleteGeneration(chunksTable(), id);
      return true;
    },
    async loadChunks() {
      const all = await this.listDocuments();
      const lists = await Promise.all(all.map((d) => listChunks(d)));
      return lists.flat();
    },
  };
}
