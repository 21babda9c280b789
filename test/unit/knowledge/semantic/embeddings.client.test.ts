import { testConfig } from '../../../../src/config';
import { createEmbeddingsClient, EmbeddingsError, retryAfterMs } from '../../../../src/knowledge/semantic/embeddings.client';
import { AZURE_EMBEDDINGS_API_VERSION, azureEmbeddingsEndpoint, embeddingsEndpointFromConfig, openAiEmbeddingsEndpoint } from '../../../../src/knowledge/semantic/embeddings.config';
import { planBatches } from '../../../../src/knowledge/semantic/vector.indexer';
import { startStubEmbeddings, type StubEmbeddings } from '../../../helpers/stub-embeddings';

const SYNONYMS = { child: ['children', 'youngster'], contact: ['ring', 'phone'] };

describe('embeddings client against a server speaking the API', () => {
  let stub: StubEmbeddings;
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
  };
  beforeAll(async () => {
    stub = await startStubEmbeddings({ synonyms: SYNONYMS });
  });
  afterAll(() => stub.stop());
  beforeEach(() => {
    stub.requests.length = 0;
    waits.length = 0;
    stub.set({ kind: 'ok' });
  });

  const openai = () => createEmbeddingsClient(openAiEmbeddingsEndpoint('nomic-embed-text', 'sk-local', stub.baseUrl), { sleep, random: () => 0.5 });

  it('posts the inputs with the model and key, and returns the vectors in input order', async () => {
    const vectors = await openai().embed(['ring about a youngster', 'the library opens late'], { timeoutMs: 2000 });
    expect(stub.requests).toHaveLength(1);
    const req = stub.requests[0];
    expect(req.url).toBe('/v1/embeddings');
    expect(req.model).toBe('nomic-embed-text');
    expect(req.headers.authorization).toBe('Bearer sk-local');
    expect(req.inputs).toEqual(['ring about a youngster', 'the library opens late']);
    // The stub answers in reverse order: each vector must still sit with its own input.
    expect(vectors[0]).toEqual(Float32Array.from(stub.embed('ring about a youngster')));
    expect(vectors[1]).toEqual(Float32Array.from(stub.embed('the library opens late')));
  });

  it('calls an Azure OpenAI deployment by path, api-version and api-key, with no model in the body', async () => {
    const client = createEmbeddingsClient(azureEmbeddingsEndpoint(`${stub.url}/`, 'azure-key', 'embed-small'));
    const [v] = await client.embed(['phone about children'], { timeoutMs: 2000 });
    const req = stub.requests[0];
    expect(req.url).toBe(`/openai/deployments/embed-small/embeddings?api-version=${AZURE_EMBEDDINGS_API_VERSION}`);
    expect(req.headers['api-key']).toBe('azure-key');
    expect(req.headers.authorization).toBeUndefined();
    expect(req.model).toBeUndefined();
    expect(v).toEqual(Float32Array.from(stub.embed('phone about children')));
  });

  it('sends no key to a local server configured without one', async () => {
    await createEmbeddingsClient(openAiEmbeddingsEndpoint('m', undefined, stub.baseUrl)).embed(['x'], { timeoutMs: 2000 });
    expect(stub.requests[0].headers.authorization).toBeUndefined();
  });

  it('retries 5xx with growing backoff and succeeds', async () => {
    stub.set({ kind: 'status', status: 503, times: 2 });
    const vectors = await openai().embed(['a youngster'], { timeoutMs: 2000, attempts: 4 });
    expect(vectors).toHaveLength(1);
    expect(stub.requests).toHaveLength(3);
    expect(waits).toHaveLength(2);
    expect(waits[1]).toBeGreaterThan(waits[0]);
  });

  it('gives up after the allowed attempts', async () => {
    stub.set({ kind: 'status', status: 500 });
    await expect(openai().embed(['a'], { timeoutMs: 2000, attempts: 3 })).rejects.toMatchObject({ status: 500, retryable: true, code: 'http_500' });
    expect(stub.requests).toHaveLength(3);
  });

  it('waits as Retry-After says on 429 (seconds, milliseconds or a date)', async () => {
    stub.set({ kind: 'status', status: 429, headers: { 'retry-after': '2' }, times: 1 });
    await openai().embed(['a'], { timeoutMs: 2000, attempts: 3 });
    stub.set({ kind: 'status', status: 429, headers: { 'retry-after-ms': '350', 'retry-after': '1' }, times: 1 });
    await openai().embed(['a'], { timeoutMs: 2000, attempts: 3 });
    expect(waits).toEqual([2000, 350]);
    expect(stub.requests).toHaveLength(4);
  });

  it('really sleeps for Retry-After with the default sleep', async () => {
    stub.set({ kind: 'status', status: 429, headers: { 'retry-after': '1' }, times: 1 });
    const started = Date.now();
    await createEmbeddingsClient(openAiEmbeddingsEndpoint('m', undefined, stub.baseUrl)).embed(['a'], { timeoutMs: 2000, attempts: 2 });
    expect(stub.requests).toHaveLength(2);
    expect(stub.requests[1].at - stub.requests[0].at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('hands a Retry-After longer than it will wait back to the caller instead of sleeping', async () => {
    stub.set({ kind: 'status', status: 429, headers: { 'retry-after': '600' } });
    const err = await openai().embed(['a'], { timeoutMs: 2000, attempts: 5, maxRetryAfterMs: 60_000 }).catch((e) => e);
    expect(err).toBeInstanceOf(EmbeddingsError);
    expect(err.retryAfterMs).toBe(600_000);
    expect(stub.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('does not retry a bad request, a bad key or an unknown model', async () => {
    for (const status of [400, 401, 404]) {
      stub.requests.length = 0;
      stub.set({ kind: 'status', status });
      await expect(openai().embed(['a'], { timeoutMs: 2000, attempts: 4 })).rejects.toMatchObject({ status, retryable: false });
      expect(stub.requests).toHaveLength(1);
    }
  });

  it('gives up on a server that does not answer within the time limit, each attempt', async () => {
    stub.set({ kind: 'hang' });
    const started = Date.now();
    const err = await openai().embed(['a'], { timeoutMs: 300, attempts: 2 }).catch((e) => e);
    const took = Date.now() - started;
    expect(err).toMatchObject({ status: 0, retryable: true, code: 'timeout' });
    expect(stub.requests).toHaveLength(2);
    expect(took).toBeGreaterThanOrEqual(550);
    expect(took).toBeLessThan(2000);
  });

  it('treats a dropped connection as a network failure and retries it', async () => {
    stub.set({ kind: 'drop' });
    await expect(openai().embed(['a'], { timeoutMs: 2000, attempts: 2 })).rejects.toMatchObject({ status: 0, code: 'network' });
    expect(stub.requests).toHaveLength(2);
  });

  it('stops at once when the caller aborts', async () => {
    stub.set({ kind: 'hang' });
    const controller = new AbortController();
    // Abort once the server holds the request (a fixed delay raced the request's arrival on a loaded machine).
    const abortWhenHeld = setInterval(() => {
      if (stub.requests.length) {
        clearInterval(abortWhenHeld);
        controller.abort(new Error('stopping'));
      }
    }, 10);
    const started = Date.now();
    await expect(openai().embed(['a'], { timeoutMs: 5000, attempts: 3, signal: controller.signal })).rejects.toThrow('stopping');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(stub.requests).toHaveLength(1);
  });

  it('refuses a malformed answer rather than storing it', async () => {
    const bad = createEmbeddingsClient(openAiEmbeddingsEndpoint('m', undefined, stub.baseUrl), {
      fetch: async () => new Response(JSON.stringify({ data: [{ index: 0, embedding: [1, 2] }] }), { status: 200 }),
    });
    await expect(bad.embed(['a', 'b'], { timeoutMs: 1000 })).rejects.toMatchObject({ retryable: false });
    const mixed = createEmbeddingsClient(openAiEmbeddingsEndpoint('m'), {
      fetch: async () => new Response(JSON.stringify({ data: [{ index: 0, embedding: [1, 2] }, { index: 1, embedding: [1] }] }), { status: 200 }),
    });
    await expect(mixed.embed(['a', 'b'], { timeoutMs: 1000 })).rejects.toThrow(/different lengths/);
  });
});

describe('retry-after parsing', () => {
  const h = (o: Record<string, string>) => new Headers(o);
  it('reads milliseconds, seconds and dates', () => {
    expect(retryAfterMs(h({ 'retry-after-ms': '120' }))).toBe(120);
    expect(retryAfterMs(h({ 'retry-after': '3' }))).toBe(3000);
    expect(retryAfterMs(h({ 'retry-after': new Date(10_000 + 5000).toUTCString() }), 10_000)).toBeGreaterThanOrEqual(4000);
    expect(retryAfterMs(h({}))).toBeUndefined();
    expect(retryAfterMs(h({ 'retry-after': 'soon' }))).toBeUndefined();
  });
});

describe('batches within the API limits', () => {
  const t = (n: number, size = 10) => Array.from({ length: n }, (_, i) => ({ hash: `h${i}`, input: 'x'.repeat(size) }));
  it('caps inputs per request at the configured size and at 2048', () => {
    expect(planBatches(t(130), 64).map((b) => b.length)).toEqual([64, 64, 2]);
    expect(planBatches(t(5000), 100_000).map((b) => b.length)).toEqual([2048, 2048, 904]);
  });
  it('caps the bytes of a request (tokens never exceed bytes) and sends an oversized input alone', () => {
    expect(planBatches(t(10, 1000), 64, 2500).map((b) => b.length)).toEqual([2, 2, 2, 2, 2]);
    expect(planBatches([...t(1, 10), { hash: 'big', input: 'y'.repeat(5000) }, ...t(1, 10)], 64, 2500).map((b) => b.length)).toEqual([1, 1, 1]);
  });
});

describe('embeddings model from configuration', () => {
  it('is none without a model (fully offline), and never from a chat model alone', () => {
    expect(embeddingsEndpointFromConfig(testConfig())).toBeUndefined();
    expect(embeddingsEndpointFromConfig(testConfig({ OPENAI_API_KEY: 'sk', OPENAI_MODEL: 'gpt' }))).toBeUndefined();
  });
  it('uses OpenAI by default, or the configured base URL without a key', () => {
    const e = embeddingsEndpointFromConfig(testConfig({ OPENAI_API_KEY: 'sk', OPENAI_EMBEDDINGS_MODEL: 'text-embedding-3-small' }))!;
    expect(e.url).toBe('https://api.openai.com/v1/embeddings');
    const local = embeddingsEndpointFromConfig(testConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1/', OPENAI_EMBEDDINGS_MODEL: 'nomic-embed-text' }))!;
    expect(local.url).toBe('http://127.0.0.1:11434/v1/embeddings');
    expect(local.headers).toEqual({});
  });
  it('uses the Azure deployment when AZURE_OPENAI_EMBEDDINGS_DEPLOYMENT is set', () => {
    const e = embeddingsEndpointFromConfig(testConfig({ AZURE_OPENAI_ENDPOINT: 'https://r.openai.azure.com', AZURE_OPENAI_API_KEY: 'k', AZURE_OPENAI_EMBEDDINGS_DEPLOYMENT: 'emb' }))!;
    expect(e.provider).toBe('azure-openai');
    expect(e.url).toMatch(/^https:\/\/r\.openai\.azure\.com\/openai\/deployments\/emb\/embeddings\?api-version=/);
  });
  it('gives another vector space to another model, server or deployment', () => {
    const ids = new Set([
      openAiEmbeddingsEndpoint('a').identity,
      openAiEmbeddingsEndpoint('b').identity,
      openAiEmbeddingsEndpoint('a', undefined, 'http://127.0.0.1:8080/v1').identity,
      azureEmbeddingsEndpoint('https://r.openai.azure.com', 'k', 'a').identity,
    ]);
    expect(ids.size).toBe(4);
    expect(openAiEmbeddingsEndpoint('a', 'key1').identity).toBe(openAiEmbeddingsEndpoint('a', 'key2').identity);
  });
});
