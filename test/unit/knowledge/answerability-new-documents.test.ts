/**
 * A question whose best passage is in a document added since the models were trained is judged without its
 * closeness to earlier out-of-scope questions: the corpus labelled them against the guidance as it was, so
 * "out of scope" then (a bruising protocol the guidance did not have) is no evidence once a document covers it.
 */
import type { Chunk } from '../../../src/knowledge/knowledge.types';
import { createKnowledgeEngine } from '../../../src/knowledge/knowledge-engine';
import { loadFolderChunks } from '../../../src/knowledge/local-corpus';
import { languageModels } from '../../../src/knowledge/understand/language-model';
import { passageKey } from '../../../src/knowledge/understand/ranker';
import { testConfig } from '../../../src/config';
import { ManualClock } from '../../../src/clock';
import { GUIDANCE_DIR } from '../../helpers/guidance-engine';

const BRUISING = 'Any bruise on a baby who is not yet crawling must be discussed with the Multi Agency Safeguarding Hub the same day.';
const QUESTION = 'what must happen when a baby who is not crawling has a bruise?';

describe('answerability on a document added since training', () => {
  it('ships the keys of the passages it was trained with, one per bundled passage', async () => {
    const { chunks } = await loadFolderChunks(GUIDANCE_DIR);
    const known = new Set(languageModels().ranker.knownPassages);
    expect(known.size).toBeGreaterThan(200);
    for (const c of chunks) expect(known.has(passageKey(c.text))).toBe(true);
    // Whitespace does not change a passage's key; its words do.
    expect(passageKey('a  b\nc ')).toBe(passageKey('a b c'));
    expect(passageKey('a b c')).not.toBe(passageKey('a b d'));
  });

  it('reads a new passage without the out-of-scope evidence, and the bundled guidance with all of it', async () => {
    const { chunks } = await loadFolderChunks(GUIDANCE_DIR);
    const added: Chunk = { ...chunks[0], id: 'bruising#0', docId: 'bruising', ordinal: 0, headingPath: ['Bruising protocol'], title: 'Bruising protocol', text: BRUISING, url: '' };
    const engine = createKnowledgeEngine([...chunks, added], { safety: testConfig().safety, clock: new ManualClock('2026-03-01T10:00:00Z') });
    const r = engine.ranker.rank(QUESTION);
    expect(r.candidates[0].chunk.id).toBe('bruising#0');
    const keys = [...r.answerFeatures.keys()];
    expect(keys.filter((k) => /oos|out_of_scope/.test(k))).toEqual([]);
    expect(keys).toContain('knn_answerable');
    const a = engine.askExtractive(QUESTION);
    expect(a.notFound).toBe(false);
    expect(a.answer).toContain('the same day');

    // A question the bundled guidance answers keeps its evidence.
    const bundled = engine.ranker.rank('who are the lead safeguarding partners?');
    expect(bundled.candidates[0].chunk.docId).not.toBe('bruising');
    expect(bundled.answerFeatures.has('knn_out_of_scope')).toBe(true);
  });

  it('judges a question about a new passage at the threshold chosen for questions read that way, the bundled ones at the answer threshold', async () => {
    const { chunks } = await loadFolderChunks(GUIDANCE_DIR);
    const added: Chunk = { ...chunks[0], id: 'bruising#0', docId: 'bruising', ordinal: 0, headingPath: ['Bruising protocol'], title: 'Bruising protocol', text: BRUISING, url: '' };
    const engine = createKnowledgeEngine([...chunks, added], { safety: testConfig().safety, clock: new ManualClock('2026-03-01T10:00:00Z') });
    const th = engine.ranker.artefact!.thresholds;
    expect(th.fresh).toBeDefined();
    const saved = { ...th };
    try {
      const fresh = engine.ranker.rank(QUESTION).confidence;
      const bundledQ = 'who are the lead safeguarding partners?';
      const bundled = engine.ranker.rank(bundledQ).confidence;
      // Only the fresh threshold sits below the new passage's confidence: answered; the same threshold above it: declined.
      Object.assign(th, { answer: 1.01, closest: 0, fresh: fresh - 0.01 });
      expect(engine.ranker.rank(QUESTION).outcome).toBe('answer');
      expect(engine.ranker.rank(bundledQ).outcome).toBe('closest');
      Object.assign(th, { answer: 0, fresh: Math.min(1.01, fresh + 0.01) });
      expect(engine.ranker.rank(QUESTION).outcome).toBe('closest');
      expect(bundled).toBeGreaterThan(0);
      expect(engine.ranker.rank(bundledQ).outcome).toBe('answer');
      // Models trained before the fresh threshold existed judge such a question at the answer threshold.
      delete th.fresh;
      Object.assign(th, { answer: fresh + 0.01 });
      expect(engine.ranker.rank(QUESTION).outcome).toBe('closest');
      Object.assign(th, { answer: fresh - 0.01 });
      expect(engine.ranker.rank(QUESTION).outcome).toBe('answer');
    } finally {
      Object.assign(th, saved);
    }
  });
});
