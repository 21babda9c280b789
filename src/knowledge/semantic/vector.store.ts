import { createHash } from 'node:crypto';
import type { TransactionAction } from '@azure/data-tables';
import { isNotFound, odataString, type Tables } from '../../storage/tables';

/**
 * One embeddings model's vectors in the `Vectors` table: partition = the model's vector space (a hash of provider,
 * address and model name), row = sha256 of the exact text that was embedded. Keyed by content rather than by
 * passage id, a passage keeps its vector across re-ingests that leave its text alone (even when an insertion
 * above it shifts its number), a changed text gets a new row, and another model never reads this one's vectors.
 */
export interface VectorSpace {
  /** Partition key. */
  key: string;
  /** The model or deployment name, stored with each vector for people reading the table. */
  model: string;
}

export interface StoredVector {
  hash: string;
  vector: Float32Array;
}

export interface VectorStore {
  /** Every vector stored for the space, by text hash. */
  load(space: VectorSpace): Promise<Map<string, Float32Array>>;
  /** Writes (upserts) vectors; each transaction is one partition, at most 100 rows and well under 4 MB. */
  save(space: VectorSpace, vectors: StoredVector[], at: Date): Promise<void>;
  /** Deletes the space's vectors whose hash is not in `keep` and that were written before `before`; returns how many. */
  prune(space: VectorSpace, keep: ReadonlySet<string>, before: Date): Promise<number>;
}

/** The vector space of an endpoint identity (see EmbeddingsEndpoint.identity). */
export function vectorSpaceOf(identity: string, model: string): VectorSpace {
  return { key: `m${createHash('sha256').update(identity).digest('hex').slice(0, 32)}`, model };
}

/** sha256 of the embedded text: the row key, and how a changed passage is told from an unchanged one. */
export const textHash = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Table storage caps a binary property at 64 KiB: longer vectors are split across v0, v1, … */
const PART_FLOATS = 16_384;
const TX_ROWS = 100;
const TX_BYTES = 2_500_000;

interface VectorEntity {
  model: string;
  dims: number;
  parts: number;
  embeddedAt: string;
  [part: `v${number}`]: Uint8Array;
}

function toParts(v: Float32Array): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (let p = 0; p * PART_FLOATS < v.length; p++) {
    const slice = v.slice(p * PART_FLOATS, (p + 1) * PART_FLOATS);
    // Little-endian float32, the layout of Float32Array on every platform Node runs on here; copied to be exact.
    out[`v${p}`] = new Uint8Array(slice.buffer.slice(0));
  }
  return out;
}

function fromParts(e: Partial<VectorEntity>): Float32Array | undefined {
  const dims = Number(e.dims);
  const parts = Number(e.parts);
  if (!Number.isInteger(dims) || dims <= 0 || !Number.isInteger(parts) || parts <= 0) return undefined;
  const v = new Float32Array(dims);
  let at = 0;
  for (let p = 0; p < parts; p++) {
    const bytes = e[`v${p}`];
    if (!(bytes instanceof Uint8Array) || bytes.byteLength % 4 !== 0) return undefined;
    const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    if (at + floats.length > dims) return undefined;
    v.set(floats, at);
    at += floats.length;
  }
  return at === dims ? v : undefined;
}

export function createVectorStore(tables: Tables): VectorStore {
  const table = () => tables.client('Vectors');

  async function submit(actions: TransactionAction[]): Promise<void> {
    try {
      await table().submitTransaction(actions);
    } catch (e) {
      // A delete of a row another instance removed first: the rest of its batch is retried one by one.
      if (!isNotFound(e) || actions[0][0] !== 'delete') throw e;
      for (const a of actions) {
        await table()
          .deleteEntity(a[1].partitionKey as string, a[1].rowKey as string)
          .catch((err) => {
            if (!isNotFound(err)) throw err;
          });
      }
    }
  }

  return {
    async load(space) {
      const out = new Map<string, Float32Array>();
      const filter = `PartitionKey eq ${odataString(space.key)}`;
      for await (const e of table().listEntities<Partial<VectorEntity>>({ queryOptions: { filter } })) {
        const v = fromParts(e);
        if (v) out.set(e.rowKey as string, v);
      }
      return out;
    },
    async save(space, vectors, at) {
      let batch: TransactionAction[] = [];
      let bytes = 0;
      for (const { hash, vector } of vectors) {
        const size = vector.length * 4;
        if (batch.length && (batch.length === TX_ROWS || bytes + size > TX_BYTES)) {
          await submit(batch);
          batch = [];
          bytes = 0;
        }
        batch.push(['upsert', { partitionKey: space.key, rowKey: hash, model: space.model, dims: vector.length, parts: Math.ceil(vector.length / PART_FLOATS), embeddedAt: at.toISOString(), ...toParts(vector) }, 'Replace']);
        bytes += size;
      }
      if (batch.length) await submit(batch);
    },
    async prune(space, keep, before) {
      const stale: string[] = [];
      const filter = `PartitionKey eq ${odataString(space.key)}`;
      for await (const e of table().listEntities<{ embeddedAt?: string }>({ queryOptions: { filter, select: ['RowKey', 'embeddedAt'] } })) {
        const written = Date.parse(e.embeddedAt ?? '');
        if (!keep.has(e.rowKey as string) && !(written >= before.getTime())) stale.push(e.rowKey as string);
      }
      for (let i = 0; i < stale.length; i += TX_ROWS) {
        await submit(stale.slice(i, i + TX_ROWS).map((rowKey) => ['delete', { partitionKey: space.key, rowKey }]));
      }
      return stale.length;
    },
  };
}
