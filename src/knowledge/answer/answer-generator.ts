import type { Config } from '../../config';
import type { AnswerSource } from '../knowledge.types';

export interface GenerateInput {
  question: string;
  /** The retrieved passages, numbered as they will be cited. */
  sources: AnswerSource[];
}

/**
 * The seam for a model-written answer (Azure OpenAI / OpenAI through teams-ai's ActionPlanner in bot/).
 * Must answer only from the passages and cite them as [n]; returns undefined when the passages do not
 * support an answer, and the extractive answer is used instead. Throwing (model error, timeout) also
 * falls back to the extractive answer.
 */
export interface AnswerGenerator {
  generate(input: GenerateInput): Promise<string | undefined>;
}

/** True when configuration names a chat model (Azure OpenAI deployment or OpenAI key + model). */
export function isGenerativeConfigured(config: Pick<Config, 'model'>): boolean {
  const m = config.model;
  return Boolean((m.azureEndpoint && m.azureApiKey && m.azureDeployment) || (m.openaiApiKey && m.openaiModel));
}

/** The retrieved passages as a model reads them: "[n] title — section (published …)" then the text. */
export function formatPassages(sources: AnswerSource[]): string {
  return sources.map((s) => `[${s.n}] ${s.title}${s.section ? ` — ${s.section}` : ''} (published ${s.published || 'unknown'})\n${s.text}`).join('\n\n');
}

/** The grounding instructions and numbered passages a generator sends to the model. */
export function buildGroundedPrompt(input: GenerateInput): { system: string; user: string } {
  const passages = formatPassages(input.sources);
  return {
    system: [
      'You answer safeguarding practitioners in Coventry using ONLY the numbered passages from the CSCP guidance below.',
      'Cite every sentence with the number of the passage it comes from, like [1] or [2].',
      'Never add a phone number, email address, name or procedure that is not in the passages.',
      'If the passages do not answer the question, reply exactly: NOT_IN_GUIDANCE',
      'Keep the answer under 120 words, plain language, no headings.',
      '',
      passages,
    ].join('\n'),
    user: input.question,
  };
}

/** Wraps a generator so it gives up after `ms` (the extractive answer is used instead). */
export function withTimeout(gen: AnswerGenerator, ms: number): AnswerGenerator {
  return {
    generate(input) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`answer generator timed out after ${ms} ms`)), ms);
        gen.generate(input).then(
          (v) => {
            clearTimeout(timer);
            resolve(v === undefined || /NOT_IN_GUIDANCE/.test(v) ? undefined : v);
          },
          (e) => {
            clearTimeout(timer);
            reject(e);
          },
        );
      });
    },
  };
}
