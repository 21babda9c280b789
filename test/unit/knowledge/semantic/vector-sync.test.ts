import { ManualClock } from '../../../../src/clock';
import { acquireLease } from '../../../../src/storage/lease';
import type { Tables } from '../../../../src/storage/tables';
import { createEmbeddingsClient, type EmbeddingsClient } from '../../../../src/knowledge/semantic/embeddings.client';
import { openAiEmbeddingsEndpoint } from '../../../../src/knowledge/semantic/embeddings.config';
import { syncVectors, type EmbedTarget, type IndexerOptions } from '../../../../src/knowledge/semantic/vector.indexer';
import { createVectorStore, textHash, vectorSpaceOf } from '../../../../src/knowledge/semantic/vector.store';
import { startStubEmbeddings, type StubEmbeddings } from '../../../helpers/stub-embeddings';
import { testTables } from '../../../helpers/storage';

const SYNONYMS = { child: ['children', 'youngster'], contact: ['ring', 'phone'], share: ['pass', 'gather'] };
const texts = ['Ring the co-ordinator about a youngster.', 'Share information about children.', 'The library opens late.', 'Pass on notes.', 'Gather the facts.'];
const target = (input: string): EmbedTarget => ({ hash: textHash(input), input });

describe('passage vectors in Table storage (Azurite)', () => {
  let tables: Tables;
  let stub: StubEmbeddings;
  const clock = new ManualClock('2026-03-02T10:00:00Z');
  beforeAll(async () => {
    tables = await testTables();
    stub = await startStubEmbeddings({ synonyms: SYNONYMS });
  });
  afterAll(async () => {
    await stub.stop();
    await tables.dropAll();
  });
  beforeEach(() => {
    stub.requests.length = 0;
    stub.set({ kind: 'ok' });
    stub.refuseInputs(undefined);
  });

  const client = (model = 'stub-embed') => createEmbeddingsClient(openAiEmbeddingsEndpoint(model, undefined, stub.baseUrl), { sleep: async () => undefined });
  const options = (c: EmbeddingsClient, extra: Partial<IndexerOptions> = {}): IndexerOptions => ({
    client: c,
    store: createVectorStore(tables),
    space: vectorSpaceOf(c.endpoint.identity, c.endpoint.model),
    tables,
    clock,
    owner: 'test-instance',
    batchSize: 2,
    timeoutMs: 2000,
    attempts: 2,
    ...extra,
  });
  const sync = (o: IndexerOptions, inputs: string[], seen?: Map<string, Float32Array>) =>
    syncVectors(o, inputs.map(target), (found) => {
      for (const [k, v] of found) seen?.set(k, v);
    });
  const embeddedInputs = () => stub.requests.flatMap((r) => r.inputs);
  async function rows(partition: string) {
    const out: Record<string, unknown>[] = [];
    for await (const e of tables.client('Vectors').listEntities({ queryOptions: { filter: `PartitionKey eq '${partition}'` } })) out.push(e);
    return out;
  }

  it('stores each vector with the model name, keyed by the hash of the text, in batches', async () => {
    const o = options(client('model-a'));
    const seen = new Map<string, Float32Array>();
    const report = await sync(o, texts.slice(0, 3), seen);
    expect(report).toMatchObject({ passages: 3, embedded: 3, pending: 0, refused: 0 });
    expect(report.stopped).toBeUndefined();
    expect(stub.requests.map((r) => r.inputs.length)).toEqual([2, 1]);
    const stored = await rows(o.space.key);
    expect(stored.map((r) => r.rowKey).sort()).toEqual(texts.slice(0, 3).map(textHash).sort());
    const first = stored.find((r) => r.rowKey === textHash(texts[0]))!;
    expect(first.model).toBe('model-a');
    expect(first.dims).toBe(stub.embed(texts[0]).length);
    const loaded = await o.store.load(o.space);
    expect(loaded.get(textHash(texts[0]))).toEqual(Float32Array.from(stub.embed(texts[0])));
    expect(seen.size).toBe(3);
  });

  it('does not embed unchanged passages again, and embeds only a changed one', async () => {
    const o = options(client('model-a'));
    const again = await sync(o, texts.slice(0, 3));
    expect(again).toMatchObject({ embedded: 0, pending: 0 });
    expect(stub.requests).toHaveLength(0);

    const changed = [texts[0], 'Share information about children promptly.', texts[2]];
    const report = await sync(o, changed);
    expect(report).toMatchObject({ embedded: 1, pending: 0 });
    expect(embeddedInputs()).toEqual(['Share information about children promptly.']);
  });

  it('embeds everything again for another model, in its own partition, leaving the first alone', async () => {
    const a = options(client('model-a'));
    const b = options(client('model-b'));
    const before = (await rows(a.space.key)).length;
    const report = await sync(b, texts.slice(0, 3));
    expect(report.embedded).toBe(3);
    expect(b.space.key).not.toBe(a.space.key);
    expect((await rows(b.space.key)).every((r) => r.model === 'model-b')).toBe(true);
    expect(await rows(a.space.key)).toHaveLength(before);
  });

  it('keeps the batches written before a failure, and the next run embeds only the rest', async () => {
    const o = options(client('model-resume'));
    // The first request succeeds; from the second on the model is down.
    let calls = 0;
    const flaky: EmbeddingsClient = {
      endpoint: o.client.endpoint,
      embed: (inputs, opts) => {
        calls += 1;
        if (calls === 2) stub.set({ kind: 'status', status: 503 });
        return o.client.embed(inputs, opts);
      },
    };
    const first = await sync({ ...o, client: flaky }, texts);
    expect(first).toMatchObject({ passages: 5, embedded: 2, pending: 3, stopped: 'http_503' });
    expect((await rows(o.space.key)).length).toBe(2);
    const done = new Set(stub.requests[0].inputs);

    stub.set({ kind: 'ok' });
    stub.requests.length = 0;
    const second = await sync(o, texts);
    expect(second).toMatchObject({ embedded: 3, pending: 0 });
    expect(second.stopped).toBeUndefined();
    expect(embeddedInputs().sort()).toEqual(texts.filter((t) => !done.has(t)).sort());
    expect((await rows(o.space.key)).length).toBe(5);
  });

  it('hands back the wait a throttled model asked for', async () => {
    const o = options(client('model-throttled'));
    stub.set({ kind: 'status', status: 429, headers: { 'retry-after': '900' } });
    const report = await sync(o, texts.slice(0, 2));
    expect(report).toMatchObject({ embedded: 0, pending: 2, stopped: 'http_429', retryAfterMs: 900_000 });
  });

  it('isolates an input the model refuses and embeds the rest of its batch', async () => {
    const o = options(client('model-refuse'), { batchSize: 4 });
    stub.refuseInputs(/library/);
    const report = await sync(o, texts);
    expect(report).toMatchObject({ embedded: 4, refused: 1, pending: 0 });
    expect((await rows(o.space.key)).map((r) => r.rowKey)).not.toContain(textHash(texts[2]));
  });

  it('leaves the work to the instance holding the lease', async () => {
    const o = options(client('model-leased'));
    expect(await acquireLease(tables.client('Leases'), `embeddings-${o.space.key}`, 'other-instance', 60_000, clock)).toBeDefined();
    const report = await sync(o, texts);
    expect(report).toMatchObject({ embedded: 0, pending: 5, stopped: 'lease-held' });
    expect(stub.requests).toHaveLength(0);
  });

  it('deletes vectors no passage needs, once they are older than the grace period', async () => {
    const o = options(client('model-prune'), { pruneGraceMs: 60_000 });
    await sync(o, texts);
    clock.advance(30_000);
    expect((await sync(o, texts.slice(0, 2))).pruned).toBe(0); // too recent: another instance may still use them
    clock.advance(60_000);
    expect((await sync(o, texts.slice(0, 2))).pruned).toBe(3);
    expect((await rows(o.space.key)).map((r) => r.rowKey).sort()).toEqual(texts.slice(0, 2).map(textHash).sort());
    expect((await sync(o, [])).pruned).toBe(0);
    expect(await rows(o.space.key)).toHaveLength(2);
  });

  it('stores vectors longer than a table property holds across several properties', async () => {
    const dims = 20_000;
    const big: EmbeddingsClient = {
      endpoint: openAiEmbeddingsEndpoint('huge-model', undefined, stub.baseUrl),
      embed: async (inputs) => inputs.map((_, k) => Float32Array.from({ length: dims }, (_x, i) => Math.sin(i + k))),
    };
    const o = options(big);
    await sync(o, texts.slice(0, 2));
    const loaded = await o.store.load(o.space);
    const v = loaded.get(textHash(texts[1]))!;
    expect(v).toHaveLength(dims);
    expect(v[19_999]).toBeCloseTo(Math.sin(19_999 + 1), 5);
    expect(v[3]).toBeCloseTo(Math.sin(3 + 1), 5);
  });
});
