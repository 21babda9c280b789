import { ManualClock } from '../../../src/clock';
import { testConfig } from '../../../src/config';
import { buildGroundedPrompt, isGenerativeConfigured, withTimeout, type AnswerGenerator } from '../../../src/knowledge/answer/answer-generator';
import { createKnowledgeEngine } from '../../../src/knowledge/knowledge-engine';
import type { Chunk } from '../../../src/knowledge/knowledge.types';

const chunks: Chunk[] = [
  { id: 'pond#0', docId: 'pond', ordinal: 0, headingPath: ['Ponds'], text: 'Cover garden ponds with a rigid mesh when toddlers visit.', title: 'Pond leaflet', kind: 'guidance', published: '2025-01', url: 'https://example.org/p' },
  { id: 'bath#0', docId: 'bath', ordinal: 0, headingPath: ['Baths'], text: 'Never leave a baby alone in the bath.', title: 'Bath leaflet', kind: 'guidance', published: '2025-01', url: '' },
];
const opts = { safety: testConfig().safety, clock: new ManualClock('2026-01-01T00:00:00Z') };
const question = 'how should garden ponds be covered when toddlers visit?';

describe('generative seam', () => {
  it('uses the generator text when it answers, with the same sources', async () => {
    const seen: string[] = [];
    const gen: AnswerGenerator = {
      async generate(input) {
        seen.push(buildGroundedPrompt(input).system);
        return 'Use a rigid mesh over the pond [1].';
      },
    };
    const r = await createKnowledgeEngine(chunks, { ...opts, generator: gen }).ask(question);
    expect(r).toMatchObject({ mode: 'generative', answer: 'Use a rigid mesh over the pond [1].', notFound: false });
    expect(r.sources[0].chunkId).toBe('pond#0');
    expect(seen[0]).toContain('[1] Pond leaflet — Ponds');
    expect(seen[0]).toContain('ONLY the numbered passages');
  });

  it.each([
    ['throws', { generate: async () => Promise.reject(new Error('500')) }],
    ['times out', withTimeout({ generate: () => new Promise<string>((res) => setTimeout(() => res('late'), 200)) }, 20)],
  ])('falls back to the extractive answer when the model %s', async (_label, gen) => {
    const r = await createKnowledgeEngine(chunks, { ...opts, generator: gen as AnswerGenerator }).ask(question);
    expect(r.mode).toBe('extractive');
    expect(r.answer).toContain('rigid mesh');
  });

  it('never lets a model hold up or replace the emergency lead: an urgent reply goes out at once, 999 first', async () => {
    let called = 0;
    const gen: AnswerGenerator = {
      generate: () => {
        called++;
        return new Promise(() => undefined); // a model that never answers
      },
    };
    const engine = createKnowledgeEngine(chunks, { ...opts, generator: gen, modelTimeoutMs: 60_000 });
    const urgent = 'a toddler has just fallen into the garden pond and is not breathing';
    const r = await engine.ask(urgent);
    expect(r.urgent).toBe(true);
    expect(r.answer.startsWith('If a child is in immediate danger, call 999.')).toBe(true);
    expect(r.answer).toBe(engine.askExtractive(urgent).answer);
    expect(called).toBe(0);
  });

  it('shows the closest passages, not an answer, when the model judges they do not answer', async () => {
    const gen = withTimeout({ generate: async () => 'NOT_IN_GUIDANCE' }, 1000);
    const r = await createKnowledgeEngine(chunks, { ...opts, generator: gen }).ask(question);
    expect(r.notFound).toBe(true);
    expect(r.answer).toMatch(/closest I found/);
    expect(r.answer).toContain('rigid mesh');
  });

  it('is only configured with a model', () => {
    expect(isGenerativeConfigured(testConfig())).toBe(false);
    expect(isGenerativeConfigured(testConfig({ OPENAI_API_KEY: 'k', OPENAI_MODEL: 'gpt-4o-mini' }))).toBe(true);
  });
});
