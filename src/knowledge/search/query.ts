/**
 * A question as the index sees it: its content words (stemmed; stop words and question filler dropped),
 * each with the ways a passage may say the same thing — the acronym or its expansion, a typing slip
 * corrected, another form of the word — each weighing less than the person's own word.
 */
import { QUESTION_WORDS, STOP_WORDS, stem, stemUncached } from './analyzer';
import { AMBIGUOUS_ACRONYMS } from './glossary';
import type { LexicalIndex } from './lexical-index';
import { stripMarkup, tokenize } from '../understand/text';

export type ExpansionSource = 'own' | 'acronym' | 'typo' | 'family';

export interface Expansion {
  /** Term ids that must all appear (an acronym's expansion is several words). */
  tids: number[];
  weight: number;
  source: ExpansionSource;
}

export interface QueryTerm {
  surface: string;
  stem: string;
  /** The term's own id, when the guidance uses it. */
  tid?: number;
  expansions: Expansion[];
  /** How much the term counts: 1 for the question's own words, less for words carried over from the previous question. */
  weight: number;
  /**
   * For matching passages only (the ranker): the share of its weight the word keeps, learned from how often
   * training questions' right passages contain it (`term-necessity.ts`). Absent: 1.
   */
  necessity?: number;
}

export interface Query {
  text: string;
  terms: QueryTerm[];
  /** Stems of the content words in order, for proximity. */
  sequence: string[];
  /** Stems of every token (stop words included), for answer-type cues. */
  tokens: string[];
}

export const EXPANSION_WEIGHTS: Record<ExpansionSource, number> = {
  own: 1,
  acronym: 0.9,
  typo: 0.9,
  family: 0.8,
};

const TYPO_MIN_LENGTH = 6;
const FAMILY_MIN_PREFIX = 7;
const FAMILY_MAX_ENDING = 2;
const VOWELS = 'aeiouy';
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** One typing slip apart: a letter dropped or added, neighbours swapped, one vowel for another. */
export function oneSlipApart(a: string, b: string): boolean {
  if (a === b) return false;
  if (a.length === b.length) {
    let i = 0;
    while (a[i] === b[i]) i++;
    if (a.slice(i + 1) === b.slice(i + 1)) return VOWELS.includes(a[i]) && VOWELS.includes(b[i]);
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  const [s, l] = a.length < b.length ? [a, b] : [b, a];
  if (l.length - s.length !== 1) return false;
  let i = 0;
  while (i < s.length && s[i] === l[i]) i++;
  return s.slice(i) === l.slice(i + 1);
}

function slipVariants(w: string): Set<string> {
  const out = new Set<string>();
  for (let i = 1; i <= w.length; i++) {
    if (i < w.length) out.add(w.slice(0, i) + w.slice(i + 1));
    if (i + 1 < w.length) out.add(w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2));
    if (i < w.length && VOWELS.includes(w[i])) for (const v of VOWELS) out.add(w.slice(0, i) + v + w.slice(i + 1));
    for (const l of LETTERS) out.add(w.slice(0, i) + l + w.slice(i));
  }
  out.delete(w);
  return out;
}

/** Lookups over the index's vocabulary that are built once per index. */
export class VocabularyHelper {
  private byLength?: Map<number, string[]>;
  private byPrefix?: Map<string, string[]>;

  constructor(private readonly index: LexicalIndex) {}

  /** The most used indexed term one slip from a word the guidance never uses. */
  correct(surface: string, term: string): string | undefined {
    if (surface.length < TYPO_MIN_LENGTH || /\d/.test(surface)) return undefined;
    const df = (t: string) => this.index.df(this.index.vocab.get(t));
    let best: string | undefined;
    let bestDf = 0;
    if (!this.byLength) {
      this.byLength = new Map();
      for (const t of this.index.vocab.keys()) {
        if (t.length < TYPO_MIN_LENGTH - 1 || /\d/.test(t)) continue;
        const list = this.byLength.get(t.length) ?? [];
        list.push(t);
        this.byLength.set(t.length, list);
      }
    }
    for (let len = term.length - 1; len <= term.length + 1; len++) {
      for (const t of this.byLength.get(len) ?? []) {
        if (t[0] !== term[0] || !oneSlipApart(term, t)) continue;
        if (df(t) > bestDf) [best, bestDf] = [t, df(t)];
      }
    }
    if (best || !/^[a-z]+$/.test(surface) || surface.length > 20) return best;
    // A slip near the end can change the stem itself ("exploitaion"): try the word's one-slip variants.
    for (const v of slipVariants(surface)) {
      const s = stemUncached(v);
      if (df(s) > bestDf) [best, bestDf] = [s, df(s)];
    }
    return best;
  }

  /** Indexed words of the same family the stemmer keeps apart ("compliant" / "compliance"). */
  family(term: string): string[] {
    if (term.length < FAMILY_MIN_PREFIX || /\d/.test(term)) return [];
    if (!this.byPrefix) {
      this.byPrefix = new Map();
      for (const t of this.index.vocab.keys()) {
        if (t.length < FAMILY_MIN_PREFIX || /\d/.test(t)) continue;
        const key = t.slice(0, FAMILY_MIN_PREFIX);
        const list = this.byPrefix.get(key) ?? [];
        list.push(t);
        this.byPrefix.set(key, list);
      }
    }
    return (this.byPrefix.get(term.slice(0, FAMILY_MIN_PREFIX)) ?? []).filter((t) => {
      if (t === term) return false;
      let k = 0;
      while (k < t.length && k < term.length && t[k] === term[k]) k++;
      return k >= Math.max(t.length, term.length) - FAMILY_MAX_ENDING;
    });
  }
}

/** The most content words a question contributes to a search (a long message's question part is short). */
export const MAX_QUERY_TERMS = 40;

/**
 * `context` is the previous question of the conversation, for a follow-up ("and who chairs it?"): its words
 * join the query at `contextWeight`, after the question's own.
 */
export function buildQuery(question: string, index: LexicalIndex, helper: VocabularyHelper, context?: string, contextWeight = 0.5): Query {
  const own = buildTerms(question, index, helper, 1);
  if (!context) return own;
  const ctx = buildTerms(context, index, helper, contextWeight);
  const seen = new Set(own.terms.map((t) => t.stem));
  return { ...own, terms: [...own.terms, ...ctx.terms.filter((t) => !seen.has(t.stem))].slice(0, MAX_QUERY_TERMS) };
}

function buildTerms(question: string, index: LexicalIndex, helper: VocabularyHelper, weight: number): Query {
  const text = stripMarkup(question);
  const toks = tokenize(text);
  // Acronyms that are also ordinary words ("send", "cp") count as acronyms only when typed in capitals.
  const capitals = new Set((text.match(/\b[A-Z]{2,}s?\b/g) ?? []).map((t) => t.toLowerCase().replace(/s$/, '')));
  const tokens = toks.map((t) => (/^\d/.test(t) || t === '<long>' ? t : stem(t)));
  const terms: QueryTerm[] = [];
  const seen = new Set<string>();
  const sequence: string[] = [];
  const vocab = index.vocab;
  for (let i = 0; i < toks.length && terms.length < MAX_QUERY_TERMS; i++) {
    const w = toks[i];
    if (STOP_WORDS.has(w) || QUESTION_WORDS.has(w) || w === '<long>' || w.length < 2) continue;
    const s = tokens[i];
    sequence.push(s);
    if (seen.has(s)) continue;
    seen.add(s);
    const tid = vocab.get(s);
    const expansions: Expansion[] = [];
    const push = (t: string | string[], source: ExpansionSource, scale = 1) => {
      const list = Array.isArray(t) ? t : [t];
      const tids = list.map((x) => vocab.get(x));
      if (tids.some((x) => x === undefined)) return;
      const key = (tids as number[]).join(' ');
      if (key === String(tid) || expansions.some((e) => e.tids.join(' ') === key)) return;
      expansions.push({ tids: tids as number[], weight: EXPANSION_WEIGHTS[source] * scale, source });
    };
    const acrKey = index.acronyms.expansions.has(w) ? w : w.replace(/s$/, '');
    const acr = index.acronyms.expansions.get(acrKey);
    if (acr && (!AMBIGUOUS_ACRONYMS.has(acrKey) || capitals.has(acrKey))) push(acr, 'acronym');
    if (tid === undefined) {
      const fixed = helper.correct(w, s);
      if (fixed) push(fixed, 'typo');
    }
    if (tid === undefined || index.df(tid) <= 3) for (const f of helper.family(s)) push(f, 'family');
    terms.push({ surface: w, stem: s, tid, expansions, weight });
  }
  // An acronym's expansion written out in full also finds the acronym the guidance may use instead.
  for (const [acr, exp] of index.acronyms.expansions) {
    if (exp.length < 2 || seen.has(acr)) continue;
    for (let i = 0; i + exp.length <= sequence.length; i++) {
      if (!exp.every((t, k) => sequence[i + k] === t)) continue;
      const tid = vocab.get(stem(acr));
      if (tid !== undefined) terms.push({ surface: acr, stem: stem(acr), tid: undefined, expansions: [{ tids: [tid], weight: 0.6, source: 'acronym' }], weight });
      break;
    }
  }
  return { text, terms, sequence, tokens };
}
