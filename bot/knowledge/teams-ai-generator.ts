import * as fs from 'node:fs';
import type { Agent } from 'node:http';
import * as path from 'node:path';
import { ActionPlanner, OpenAIModel, PromptManager, type Memory, type PromptCompletionModel } from '@microsoft/teams-ai';
import { BotAdapter, TurnContext, type Activity, type ConversationReference, type ResourceResponse } from 'botbuilder';
import type { Config } from '../../src/config';
import type { Logger } from '../../src/logger';
import { formatPassages, isGenerativeConfigured, withTimeout, type AnswerGenerator, type GenerateInput } from '../../src/knowledge/answer/answer-generator';
import type { AnswerSource } from '../../src/knowledge/knowledge.types';

/** The prompt folder name under bot/prompts (skprompt.txt + config.json, as teams-ai's PromptManager loads them). */
export const ANSWER_PROMPT = 'answer';

export interface TeamsAiGeneratorOptions {
  /** The chat model (an OpenAIModel in production). */
  model: PromptCompletionModel;
  /** Folder holding `answer/skprompt.txt` and `answer/config.json`; defaults to bot/prompts. */
  promptsFolder?: string;
  logger?: Logger;
}

/**
 * A model-written answer through teams-ai's ActionPlanner: the prompt (bot/prompts/answer) holds the
 * grounding rules and the numbered passages; the question is the user message. The reply is kept only
 * when it is grounded (see groundModelAnswer); otherwise the engine uses the extractive answer.
 *
 * The planner wants a TurnContext, which the knowledge seam does not carry (it answers for the CLI and
 * bench too). The prompt needs none of the turn, so the planner gets a context over an adapter that
 * cannot send: streaming is off, and the bot sends the answer itself with its citations and feedback.
 */
export function createTeamsAiGenerator(opts: TeamsAiGeneratorOptions): AnswerGenerator {
  const prompts = new PromptManager({ promptsFolder: opts.promptsFolder ?? defaultPromptsFolder() });
  const planner = new ActionPlanner({ model: opts.model, prompts, defaultPrompt: ANSWER_PROMPT });
  return {
    async generate(input: GenerateInput) {
      const memory = new ScratchMemory();
      memory.setValue('temp.input', input.question);
      memory.setValue('temp.passages', formatPassages(input.sources));
      const res = await planner.completePrompt(promptContext(input.question), memory, ANSWER_PROMPT);
      if (res.status !== 'success') throw new Error(`model call ended with status ${res.status}${res.error ? `: ${res.error.message}` : ''}`);
      const grounded = groundModelAnswer(String(res.message?.content ?? ''), input.sources);
      if (grounded.text === undefined) opts.logger?.info({ reason: grounded.reason }, 'model answer not used');
      return grounded.text;
    },
  };
}

export interface GeneratorFromConfigOptions {
  /** An agent for the model's HTTP calls (an outbound proxy, or a private CA). */
  httpAgent?: Agent;
  promptsFolder?: string;
}

/**
 * The generative answerer from configuration: Azure OpenAI when its endpoint, key and deployment are set,
 * otherwise OpenAI (or an OpenAI-compatible endpoint) with a key and model; undefined when no model is
 * configured. Gives up after `model.timeoutMs` (default 8 s); errors and timeouts fall back to extractive.
 */
export function createGeneratorFromConfig(config: Pick<Config, 'model'>, logger: Logger, options: GeneratorFromConfigOptions = {}): AnswerGenerator | undefined {
  if (!isGenerativeConfigured(config)) return undefined;
  const m = config.model;
  const timeoutMs = m.timeoutMs ?? 8000;
  // One attempt within the time budget: retries would only arrive after the extractive answer went out.
  const clientOptions = { maxRetries: 0, timeout: timeoutMs, ...(options.httpAgent ? { httpAgent: options.httpAgent } : {}) };
  const useAzure = Boolean(m.azureEndpoint && m.azureApiKey && m.azureDeployment);
  const model = useAzure
    ? new OpenAIModel({ azureApiKey: m.azureApiKey!, azureEndpoint: m.azureEndpoint!, azureDefaultDeployment: m.azureDeployment!, azureApiVersion: AZURE_API_VERSION, useSystemMessages: true, clientOptions })
    : new OpenAIModel({ apiKey: m.openaiApiKey!, defaultModel: m.openaiModel!, ...(m.openaiBaseUrl ? { endpoint: m.openaiBaseUrl } : {}), useSystemMessages: true, clientOptions });
  logger.info({ provider: useAzure ? 'azure-openai' : 'openai', timeoutMs }, 'generative answers on (extractive fallback)');
  const generator = createTeamsAiGenerator({ model, logger, promptsFolder: options.promptsFolder });
  const timed = withTimeout(generator, timeoutMs);
  return {
    async generate(input) {
      try {
        return await timed.generate(input);
      } catch (e) {
        // The error's text may quote the model or the question: its class only.
        logger.warn({ err: (e as Error).name }, 'model answer failed; extractive answer used');
        throw e;
      }
    },
  };
}

/** A chat-completions API version that Azure OpenAI serves for current deployments. */
export const AZURE_API_VERSION = '2024-06-01';

/**
 * A run of digits as people write phone numbers: +44 / 00 prefixes, (0), brackets, spaces and hyphens
 * between groups. Anything with five or more digits counts (0800 1111, 116 123, (024) 7683 3003); a year
 * range (2023-2024) does not.
 */
const DIGIT_RUN = /(?:\+|\b00)?\(?\d[\d \t().-]*\d/g;
const YEAR_RANGE = /^(?:19|20)\d\d\s*[-–]\s*(?:19|20)?\d\d$/;

/** Phone-like numbers in `text`, each in one national form (+44 24… / 0044 24… / 024… all read 024…). */
export function phoneNumbersIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.match(DIGIT_RUN) ?? []) {
    const raw = m.trim();
    if (YEAR_RANGE.test(raw)) continue;
    let digits = raw.replace(/\(0\)/g, '').replace(/\D/g, '');
    if (digits.length < 5) continue;
    if (/^\+?\s*44/.test(raw) || raw.startsWith('0044')) digits = `0${digits.replace(/^(?:00)?44/, '')}`;
    out.push(digits);
  }
  return out;
}

/** Links in any spelling: http(s) in any case, protocol-relative //host, www., and bare domains with a path. */
const LINK = /\bhttps?:\/\/[^\s)\]>]+|(?<![:\w])\/\/[a-z0-9][^\s)\]>]*|\bwww\.[^\s)\]>]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:uk|com|org|net|gov|nhs|info|io|co|me)\/[^\s)\]>]*/gi;
const EMAIL = /[\w.+-]+@[\w-]+\.[\w.-]*\w/g;
const stripScheme = (u: string) => u.replace(/^(?:https?:)?\/\//i, '').replace(/[.,;:!?'"]+$/, '').toLowerCase();

/** Sentences of a reply, each with the citation markers that follow its full stop ("… policy. [2]"). */
function sentencesOf(text: string): string[] {
  return text
    .split(/\n+/)
    // A sentence ends at . ! or ? followed by a space (not inside an address like coventry.gov.uk).
    .flatMap((line) => line.match(/\S[^]*?(?:[.!?]+(?=\s|$)|$)(?:\s*\[\d+\])*/g) ?? [])
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A sentence this long states something, so it must cite a passage. */
const CITED_WORDS = 6;

/**
 * Keeps a model's reply only when it is grounded in the passages: NOT_IN_GUIDANCE means no answer;
 * citation forms are normalised to "[n]"; markers for passages that were not given are dropped; every
 * sentence that states something must cite a passage given; and no phone number, email or link may appear
 * that no passage contains, however it is written.
 */
export function groundModelAnswer(raw: string, sources: AnswerSource[]): { text?: string; reason?: string } {
  let text = raw.trim();
  if (!text || /NOT_IN_GUIDANCE/.test(text)) return { reason: 'not-in-guidance' };
  const known = new Set(sources.map((s) => s.n));
  text = text
    .replace(/【(\d+)(?:[^】]*)】|\[\^(\d+)\]/g, (_m, a, b) => `[${a ?? b}]`)
    .replace(/\[(\d+(?:\s*[,;]\s*\d+)+)\]/g, (_m, list: string) => list.split(/\s*[,;]\s*/).map((n) => `[${n}]`).join(' '))
    .replace(/\[(\d+)\]/g, (m, n) => (known.has(Number(n)) ? m : ''))
    .replace(/[ \t]+([.,;:])/g, '$1')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
  if (!/\[\d+\]/.test(text)) return { reason: 'no-citation' };
  for (const sentence of sentencesOf(text)) {
    const words = sentence.replace(/\[\d+\]/g, '').split(/\s+/).filter((w) => /\w/.test(w)).length;
    if (words >= CITED_WORDS && !/\[\d+\]/.test(sentence)) return { reason: 'uncited-sentence' };
  }
  const corpus = sources.map((s) => s.text.replace(/\s+/g, ' ').toLowerCase()).join('\n');
  const numbers = new Set(sources.flatMap((s) => phoneNumbersIn(s.text)));
  for (const n of phoneNumbersIn(text.replace(/\[\d+\]/g, ' '))) if (!numbers.has(n)) return { reason: 'ungrounded-contact' };
  for (const m of text.match(EMAIL) ?? []) {
    if (!corpus.includes(m.replace(/[.,;:]+$/, '').toLowerCase())) return { reason: 'ungrounded-contact' };
  }
  const links = sources.flatMap((s) => (s.text.match(LINK) ?? []).map(stripScheme));
  for (const m of text.match(LINK) ?? []) {
    const link = stripScheme(m);
    if (!links.some((l) => l === link || l.startsWith(link)) && !corpus.includes(link)) return { reason: 'ungrounded-contact' };
  }
  return { text };
}

/** teams-ai's Memory over a plain map: the prompt reads `temp.input` and `temp.passages`. */
class ScratchMemory implements Memory {
  private readonly values = new Map<string, unknown>();
  deleteValue(p: string): void {
    this.values.delete(p);
  }
  hasValue(p: string): boolean {
    return this.values.has(p);
  }
  getValue<T = unknown>(p: string): T {
    return this.values.get(p) as T;
  }
  setValue(p: string, value: unknown): void {
    this.values.set(p, value);
  }
}

/** An adapter for rendering a prompt only: anything that tries to send through it is a bug. */
class PromptOnlyAdapter extends BotAdapter {
  sendActivities(_c: TurnContext, _a: Partial<Activity>[]): Promise<ResourceResponse[]> {
    return Promise.reject(new Error('the answer generator never sends activities'));
  }
  updateActivity(_c: TurnContext, _a: Partial<Activity>): Promise<void> {
    return Promise.reject(new Error('the answer generator never updates activities'));
  }
  deleteActivity(_c: TurnContext, _r: Partial<ConversationReference>): Promise<void> {
    return Promise.reject(new Error('the answer generator never deletes activities'));
  }
  continueConversation(_r: Partial<ConversationReference>, _l: (c: TurnContext) => Promise<void>): Promise<void> {
    return Promise.reject(new Error('the answer generator has no conversation'));
  }
}

const adapter = new PromptOnlyAdapter();

function promptContext(question: string): TurnContext {
  return new TurnContext(adapter, {
    type: 'message',
    text: question,
    channelId: 'cscp-knowledge',
    conversation: { id: 'answer-generator', isGroup: false, conversationType: 'personal', name: 'answer-generator' },
    from: { id: 'practitioner', name: 'practitioner' },
    recipient: { id: 'cscp-bot', name: 'cscp-bot' },
  });
}

/** bot/prompts from source (tsx, jest) and from the compiled dist/bot/knowledge alike. */
function defaultPromptsFolder(): string {
  const candidates = [path.join(__dirname, '..', 'prompts'), path.join(__dirname, '..', '..', '..', 'bot', 'prompts')];
  return candidates.find((c) => fs.existsSync(path.join(c, ANSWER_PROMPT, 'skprompt.txt'))) ?? candidates[0];
}
