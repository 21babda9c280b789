import * as path from 'node:path';
import { ManualClock } from '../../src/clock';
import { testConfig } from '../../src/config';
import { createKnowledgeEngine, type KnowledgeEngine } from '../../src/knowledge/knowledge-engine';
import { loadFolderChunks } from '../../src/knowledge/local-corpus';

/** The bundled guidance folder the bot ships with. */
export const GUIDANCE_DIR = path.join(__dirname, '..', '..', 'guidance');

/** Whitespace-collapsed lower case, so a fact matches however the passage wraps it. */
export const norm = (s: string) => s.replace(/\s+/g, ' ').toLowerCase();

/**
 * The in-process engine over the bundled guidance (the same parsing, chunking and search as the bot), at a fixed
 * date so "may be out of date" notices are stable. `env` overrides configuration such as emergency contacts.
 */
export async function bundledGuidanceEngine(env: Record<string, string> = {}): Promise<KnowledgeEngine> {
  const { chunks } = await loadFolderChunks(GUIDANCE_DIR);
  return createKnowledgeEngine(chunks, { safety: testConfig(env).safety, clock: new ManualClock('2026-03-01T10:00:00Z') });
}

/** The question is answered (not "not found") and the fact is within the first 800 characters of the answer. */
export function expectAnswerStates(engine: KnowledgeEngine, question: string, fact: string): ReturnType<KnowledgeEngine['askExtractive']> {
  const r = engine.askExtractive(question);
  expect(r.notFound).toBe(false);
  expect(norm(r.answer.slice(0, 800))).toContain(norm(fact));
  return r;
}
