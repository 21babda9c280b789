import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ManualClock } from '../../../../src/clock';
import { testConfig } from '../../../../src/config';
import { createKnowledgeService, type KnowledgeService } from '../../../../src/knowledge/knowledge.service';
import { loadFolderChunks } from '../../../../src/knowledge/local-corpus';
import { createEmbeddingsClient } from '../../../../src/knowledge/semantic/embeddings.client';
import { openAiEmbeddingsEndpoint } from '../../../../src/knowledge/semantic/embeddings.config';
import { createSemanticSearch, normalise, passageInput } from '../../../../src/knowledge/semantic/semantic.search';
import { textHash } from '../../../../src/knowledge/semantic/vector.store';
import type { Tables } from '../../../../src/storage/tables';
import { SEMANTIC_GUIDANCE, SEMANTIC_QUESTION, SEMANTIC_STUB, LEXICAL_LEAD, SEMANTIC_LEAD } from '../../../helpers/semantic-fixture';
import { startStubEmbeddings, type StubEmbeddings } from '../../../helpers/stub-embeddings';
import { testTables } from '../../../helpers/storage';

async function waitFor(check: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('semantic search over the passages', () => {
  let stub: StubEmbeddings;
  beforeAll(async () => {
    stub = await startStubEmbeddings(SEMANTIC_STUB);
  });
  afterAll(() => stub.stop());

  it('finds the passage a paraphrase means, with no word in common, and returns the best 20', async () => {
    const { chunks } = await loadFolderChunks(SEMANTIC_GUIDANCE);
    const vectors = new Map(chunks.map((c) => [textHash(passageInput(c)), normalise(Float32Array.from(stub.embed(passageInput(c))))]));
    const client = createEmbeddingsClient(openAiEmbeddingsEndpoint('stub', undefined, stub.baseUrl));
    const hits = await createSemanticSearch({ client, vectors, chunks, timeoutMs: 2000 }).search(SEMANTIC_QUESTION);
    expect(hits[0].chunkId).toBe(SEMANTIC_LEAD);
    expect(hits).toHaveLength(20);
    expect(hits.map((h) => h.chunkId)).not.toContain(LEXICAL_LEAD);
    expect(hits[0].score).toBeGreaterThan(hits[1].score);
  });

  it('does not call the model while no passage has a vector', async () => {
    const { chunks } = await loadFolderChunks(SEMANTIC_GUIDANCE);
    stub.requests.length = 0;
    const client = createEmbeddingsClient(openAiEmbeddingsEndpoint('stub', undefined, stub.baseUrl));
    expect(await createSemanticSearch({ client, vectors: new Map(), chunks, timeoutMs: 2000 }).search(SEMANTIC_QUESTION)).toEqual([]);
    expect(stub.requests).toHaveLength(0);
  });
});

describe('the knowledge service with an embeddings model configured (Azurite, stub model over HTTP)', () => {
  let tables: Tables;
  let stub: StubEmbeddings;
  const clock = new ManualClock('2026-03-02T10:00:00Z');
  const services: KnowledgeService[] = [];
  beforeAll(async () => {
    stub = await startStubEmbeddings(SEMANTIC_STUB);
  });
  beforeEach(async () => {
    tables = await testTables();
    stub.set({ kind: 'ok' });
    stub.refuseInputs(undefined);
    stub.requests.length = 0;
  });
  afterEach(async () => {
    for (const s of services.splice(0)) await s.stop();
    await tables.dropAll();
  });
  afterAll(() => stub.stop());

  const service = (env: Record<string, string> = {}) => {
    const config = testConfig({ GUIDANCE_DIR: SEMANTIC_GUIDANCE, OPENAI_BASE_URL: stub.baseUrl, OPENAI_EMBEDDINGS_MODEL: 'stub-embed', MODEL_TIMEOUT_MS: '600', EMBEDDINGS_INGEST_TIMEOUT_MS: '1000', ...env });
    const s = createKnowledgeService({ tables, config, clock });
    services.push(s);
    return s;
  };
  const lead = async (s: KnowledgeService) => (await s.ask(SEMANTIC_QUESTION)).sources[0]?.chunkId;

  it('embeds the passages at ingest and answers a paraphrase from the passage it means', async () => {
    const lexical = createKnowledgeService({ tables, config: testConfig({ GUIDANCE_DIR: SEMANTIC_GUIDANCE }), clock });
    await lexical.ingestBundled();
    expect(lexical.semanticStatus()).toBeUndefined();
    expect(await lead(lexical)).toBe(LEXICAL_LEAD);
    expect(stub.requests).toHaveLength(0); // without an embeddings model nothing calls out

    const s = service();
    await s.init();
    await waitFor(() => s.semanticStatus()?.state === 'ready');
    const status = s.semanticStatus()!;
    expect(status).toMatchObject({ model: 'stub-embed', state: 'ready' });
    expect(status.embedded).toBe(status.passages);
    expect(status.passages).toBe(s.chunkCount());
    const before = stub.requests.length;
    const result = await s.ask(SEMANTIC_QUESTION);
    // Fusion puts the passage the question means first; whether it is given as an answer or as the closest
    // passage is still the answerability model's decision (trained on lexical evidence only), or, with a chat
    // model configured, the model's judgement.
    expect(result.sources[0].chunkId).toBe(SEMANTIC_LEAD);
    expect(result.answer).toMatch(/safeguarding co-ordinator/);
    expect(stub.requests.slice(before).map((r) => r.inputs)).toEqual([[SEMANTIC_QUESTION]]);
  });

  it('answers lexically while the model is down, and resumes embedding at a later refresh', async () => {
    stub.set({ kind: 'status', status: 503 });
    const s = service();
    await s.ingestBundled();
    await waitFor(() => s.semanticStatus()?.state === 'waiting');
    expect(s.semanticStatus()).toMatchObject({ embedded: 0, lastError: 'http_503' });
    const requests = stub.requests.length;
    expect(await lead(s)).toBe(LEXICAL_LEAD);
    expect(stub.requests.length).toBe(requests); // nothing embedded yet: the question is not sent either

    stub.set({ kind: 'ok' });
    await s.refreshIfChanged();
    expect(s.semanticStatus()?.state).toBe('waiting'); // the first retry waits a minute
    clock.advance(61_000);
    await s.refreshIfChanged();
    await waitFor(() => s.semanticStatus()?.state === 'ready');
    expect(s.semanticStatus()?.lastError).toBeUndefined();
    expect(await lead(s)).toBe(SEMANTIC_LEAD);
  });

  it('keeps the lexical ranking when the question cannot be embedded in time', async () => {
    const s = service();
    await s.ingestBundled();
    await waitFor(() => s.semanticStatus()?.state === 'ready');
    stub.set({ kind: 'hang' });
    const started = Date.now();
    expect(await lead(s)).toBe(LEXICAL_LEAD);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(550);
    expect(took).toBeLessThan(1500);
    stub.set({ kind: 'status', status: 500 });
    expect(await lead(s)).toBe(LEXICAL_LEAD);
  });

  it('is done when the only passages left are ones the model refuses, and says how many', async () => {
    stub.refuseInputs(/allotment society/);
    const s = service();
    await s.ingestBundled();
    await waitFor(() => s.semanticStatus()?.state === 'ready');
    const status = s.semanticStatus()!;
    expect(status).toMatchObject({ refused: 1, embedded: status.passages - 1 });
    expect(status.lastError).toBeUndefined();
    stub.refuseInputs(undefined);
  });

  it('re-embeds only the passages of a changed document', async () => {
    const s = service();
    await s.ingestBundled();
    await waitFor(() => s.semanticStatus()?.state === 'ready');
    const passages = s.semanticStatus()!.passages;
    stub.requests.length = 0;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cscp-sem-'));
    fs.writeFileSync(path.join(dir, 'note.md'), '# A new note\n\n## Contacting the hub\n\nRing the hub to pass on information about a youngster.\n');
    await s.ingestPaths([path.join(dir, 'note.md')], { title: 'A new note', kind: 'guidance', published: '2026-01' });
    await waitFor(() => s.semanticStatus()?.state === 'ready' && s.semanticStatus()!.passages > passages);
    expect(stub.requests.flatMap((r) => r.inputs)).toEqual([expect.stringContaining('Ring the hub to pass on information')]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
