import { makeUser, startTestBot, type TestBot } from '../helpers/bot-harness';
import { SEMANTIC_GUIDANCE, SEMANTIC_QUESTION, SEMANTIC_STUB } from '../helpers/semantic-fixture';
import { startStubEmbeddings, type StubEmbeddings } from '../helpers/stub-embeddings';

const TIMEOUT_MS = 1000;

/**
 * The real bot with an embeddings model configured: a local server speaking the OpenAI embeddings API with
 * deterministic vectors. The bot embeds its guidance at start, fuses the question's nearest passages with the
 * lexical ranking, and falls back to the lexical ranking within MODEL_TIMEOUT_MS when the model fails or hangs.
 */
describe('semantic retrieval through the bot (stub embeddings server over HTTP)', () => {
  let t: TestBot;
  let stub: StubEmbeddings;
  beforeAll(async () => {
    stub = await startStubEmbeddings(SEMANTIC_STUB);
    t = await startTestBot({
      GUIDANCE_DIR: SEMANTIC_GUIDANCE,
      OPENAI_BASE_URL: stub.baseUrl,
      OPENAI_EMBEDDINGS_MODEL: 'stub-embed',
      MODEL_TIMEOUT_MS: String(TIMEOUT_MS),
    });
    // Passages are embedded in the background after start; /healthz says when they all have a vector.
    const until = Date.now() + 20_000;
    for (;;) {
      const health = await (await fetch(`${t.url}/healthz`)).json();
      if (health.semantic?.state === 'ready') break;
      if (Date.now() > until) throw new Error(`passages not embedded: ${JSON.stringify(health.semantic)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }, 60_000);
  afterAll(async () => {
    await t.stop();
    await stub.stop();
  });
  beforeEach(() => {
    stub.set({ kind: 'ok' });
    stub.requests.length = 0;
  });

  /** Asks as a new person; returns the reply the Bot Connector received, the first citation's passage and the time taken. */
  async function ask(text: string) {
    const user = makeUser();
    const started = Date.now();
    const res = await t.say(user, text);
    const ms = Date.now() - started;
    expect(res.status).toBe(200);
    const sent = t.connector.messagesTo(t.personalConversationId(user));
    expect(sent).toHaveLength(1);
    const reply = sent[0].body;
    const entity = reply.entities.find((e: { type: string }) => e.type === 'https://schema.org/Message');
    // A reply that cites nothing (plain "not found") has no citations: no lead.
    return { reply, lead: entity.citation?.[0] ? String(entity.citation[0].appearance.abstract) : undefined, ms };
  }

  it('reports the embeddings model and its progress on /healthz', async () => {
    const health = await (await fetch(`${t.url}/healthz`)).json();
    expect(health.semantic).toEqual({ model: 'stub-embed', passages: 26, embedded: 26, state: 'ready' });
  });

  it('answers a paraphrase from the passage it means, where the lexical ranking alone leads with another', async () => {
    const fused = await ask(SEMANTIC_QUESTION);
    expect(stub.requests.map((r) => r.inputs)).toEqual([[SEMANTIC_QUESTION]]);
    expect(fused.lead).toMatch(/^Every GP practice in Coventry has a safeguarding co-ordinator/);
    expect(fused.reply.text).toMatch(/Every GP practice in Coventry has a safeguarding co-ordinator/);
    expect(fused.reply.text).not.toMatch(/named professionals/);

    // The same question with the model failing: the lexical ranking alone, which never finds that passage.
    stub.set({ kind: 'status', status: 500 });
    const lexical = await ask(SEMANTIC_QUESTION);
    expect(lexical.lead ?? '').not.toMatch(/safeguarding co-ordinator/);
    expect(lexical.reply.text).not.toMatch(/safeguarding co-ordinator/);
  });

  it('answers lexically at once when the model fails', async () => {
    stub.set({ kind: 'status', status: 503 });
    const { reply, ms } = await ask(SEMANTIC_QUESTION);
    expect(stub.requests).toHaveLength(1); // one attempt on a person's turn: no retry holds the answer up
    expect(reply.text).not.toMatch(/safeguarding co-ordinator/);
    expect(ms).toBeLessThan(TIMEOUT_MS);
  });

  it('answers lexically within MODEL_TIMEOUT_MS when the model hangs', async () => {
    stub.set({ kind: 'hang' });
    const { reply, ms } = await ask(SEMANTIC_QUESTION);
    expect(stub.requests).toHaveLength(1);
    expect(reply.text).not.toMatch(/safeguarding co-ordinator/);
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    // The wait is the time limit, not the hang; the rest is an ordinary turn (slower when the test machine is busy).
    expect(ms).toBeLessThan(TIMEOUT_MS + 1000);
  });

  it('answers lexically when the model cannot be reached at all', async () => {
    stub.set({ kind: 'drop' });
    const { reply, ms } = await ask(SEMANTIC_QUESTION);
    expect(reply.text).not.toMatch(/safeguarding co-ordinator/);
    expect(ms).toBeLessThan(TIMEOUT_MS);
  });
});
