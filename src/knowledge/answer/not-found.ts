import { analyze } from '../search/analyzer';
import { splitSentences } from '../chunker';
import { DURATION_UNITS, type AnalyzedQuery, type Concept, type DurationUnit } from '../search/query-analyzer';
import { isCommonWord } from './common-words';
import type { SearchHit, SearchIndex } from '../search/search-index';

const PHONE = /(?:\+44\s?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b|\b(?:999|111|116 ?\d{3})\b/;
const EMAIL = /[\w.+-]+@[\w-]+\.[\w.-]+/;
const ADDRESS_OR_LINK = /https?:\/\/|www\.|\b[A-Z]{1,2}\d{1,2}[A-Z]? ?\d[A-Z]{2}\b/;

export interface Confidence {
  found: boolean;
  /** Why the guidance was judged not to answer (for logs and tests). */
  reason?: 'no-match' | 'low-coverage' | 'rare-terms-missing' | 'no-contact-detail' | 'no-duration' | 'no-fact' | 'named-thing-missing' | 'other-edition' | 'other-section';
  coverage: number;
  missingRare: string[];
}

/**
 * Thresholds calibrated on the development questions (answerable lookups, paraphrases and
 * multi-document questions versus out-of-scope ones); see the README's Quality section.
 */
export const NOT_FOUND_THRESHOLDS = {
  /** Top passage must cover at least this share of the question's key-term weight. */
  minCoverage: 0.22,
  /** A question word this rare (share of the maximum IDF) that no top passage has is a key term not covered. */
  rareIdfShare: 0.8,
  /** Missing rare terms may carry at most this share of the question's key-term weight. */
  maxMissingRareShare: 0.25,
  /** …unless the rest of the question matches strongly (top score per unit of key-term weight). */
  strongMatch: 0.45,
};

/**
 * Decides whether the top passages answer the question: enough of its key terms covered, no rare
 * key term missing from every passage, and — when a phone number or email is asked for — a passage
 * that actually contains one (contact details are never made up).
 */
export function judgeConfidence(q: AnalyzedQuery, hits: SearchHit[], index: SearchIndex): Confidence {
  if (hits.length === 0) return { found: false, reason: 'no-match', coverage: 0, missingRare: [] };
  const top = hits.slice(0, 3);
  const coverage = hits[0].coverage;
  const maxIdf = index.idf('\u0000never-a-term');
  const primary = q.concepts.filter((c) => c.primary);
  const weightOf = (c: (typeof primary)[number]) => index.idf(c.alternatives[0].terms[0]);
  const total = primary.reduce((a, c) => a + weightOf(c), 0) || 1;
  const missingRare = primary.filter(
    (c) =>
      weightOf(c) >= maxIdf * NOT_FOUND_THRESHOLDS.rareIdfShare &&
      !isCommonWord(c.surface) &&
      !/\d/.test(c.surface) &&
      c.surface.length > 2 &&
      top.every((h) => h.missing.includes(c.surface)),
  );
  const strength = hits[0].score / total;
  const missingShare = missingRare.reduce((a, c) => a + weightOf(c), 0) / total;
  const base = { coverage, missingRare: missingRare.map((c) => c.surface) };

  // The distinctive things the question is about (not "phone", "weeks", "how many"): a fact of the asked
  // kind only answers it when it sits next to one of them.
  const topical = (ignore: Set<string>) =>
    primary.filter((c) => weightOf(c) >= maxIdf * 0.3 && !isCommonWord(c.surface) && !c.alternatives[0].terms.every((t) => ignore.has(t)));

  const detail = q.wantsContact === 'phone' ? PHONE : q.wantsContact === 'email' ? EMAIL : q.wantsContact === 'address' ? ADDRESS_OR_LINK : undefined;
  if (detail && !top.some((h) => hasFactAbout(h, detail, topical(CONTACT_WORDS), 'line'))) {
    return { found: false, reason: 'no-contact-detail', ...base };
  }
  // A length of time asked for ("how many weeks' notice") needs one in a fitting unit: "two years ago"
  // in a case study does not answer a notice period.
  const duration = q.wantsDuration && (q.wantsDuration.since ? SINCE : durationPattern(q.wantsDuration.unit));
  if (duration && !top.some((h) => hasFactAbout(h, duration, topical(TIME_WORDS), 'sentence'))) {
    return { found: false, reason: 'no-duration', ...base };
  }
  if (q.wantsFact && !top.some((h) => hasFactAbout(h, FACT_PATTERNS[q.wantsFact!], topical(FACT_WORDS), 'sentence'))) {
    return { found: false, reason: 'no-fact', ...base };
  }
  // "Section 47": passages about section 11 audits do not answer it.
  const section = q.sections.find((n) => !top.some((h) => new RegExp(`\\b(?:section|s\\.?)\\s?(?:\\d+\\s?/\\s?)*${n}\\b`, 'i').test(h.chunk.text)));
  if (section) return { found: false, reason: 'other-section', ...base };
  // An acronym or name typed in capitals is what the question is about; if no top passage mentions
  // it (or its expansion), the passages are about something else.
  const named = q.concepts.filter((c) => c.primary && q.entities.some((e) => c.surface === e || c.surface === `${e}s`));
  const absent = named.filter((c) => top.every((h) => h.missing.includes(c.surface)));
  if (absent.length) return { found: false, reason: 'named-thing-missing', coverage, missingRare: [...absent.map((c) => c.surface.toUpperCase()), ...base.missingRare.filter((m) => !absent.some((c) => c.surface === m))] };
  // "What did KCSIE 2025 change": passages that only speak of KCSIE 2023 do not answer it.
  const edition = q.editions.find((e) => !top.some((h) => editionState(h, e) === 'this') && top.some((h) => editionState(h, e) !== 'absent'));
  if (edition) return { found: false, reason: 'other-edition', ...base };
  if (coverage < NOT_FOUND_THRESHOLDS.minCoverage) return { found: false, reason: 'low-coverage', ...base };
  if (missingShare > NOT_FOUND_THRESHOLDS.maxMissingRareShare && strength < NOT_FOUND_THRESHOLDS.strongMatch) return { found: false, reason: 'rare-terms-missing', ...base };
  return { found: true, ...base };
}

const COUNT = '(?:\\d+(?:\\.\\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty)';

/** A duration in the asked unit or its neighbours (weeks → days, weeks, months); any unit when none was named. */
function durationPattern(unit?: DurationUnit): RegExp {
  const i = unit ? DURATION_UNITS.indexOf(unit) : -1;
  const units = i < 0 ? [...DURATION_UNITS] : DURATION_UNITS.slice(Math.max(0, i - 1), i + 2);
  return new RegExp(`\\b${COUNT}[\\s-]+(?:working[\\s-]+|calendar[\\s-]+|clear[\\s-]+)?(?:${units.join('|')})s?\\b`, 'i');
}

const SINCE = new RegExp(`${durationPattern().source}|\\b(?:since|launched|started|began|established|set up|introduced|created)\\b|\\b(?:19|20)\\d\\d\\b`, 'i');
const TIME_WORDS = new Set(['long', 'mani', 'notic', 'period', 'time', 'deadlin', 'run', 'been', 'go', ...DURATION_UNITS]);
const CONTACT_WORDS = new Set(['phone', 'telephon', 'tel', 'mobil', 'number', 'contact', 'detail', 'email', 'e', 'mail', 'address', 'call', 'ring', 'line', 'websit', 'web', 'site', 'postcod']);
const FACT_WORDS = new Set(['age', 'old', 'minimum', 'maximum', 'legal', 'cost', 'price', 'fee', 'charg', 'pay', 'much', 'rate', 'grade', 'judgement', 'ofst', 'inspect']);
const FACT_PATTERNS: Record<NonNullable<AnalyzedQuery['wantsFact']>, RegExp> = {
  age: /\b(?:aged?|under(?: the age of)?|over(?: the age of)?|from|between)\s+\d{1,2}\b|\b\d{1,2}\s*(?:years? old|yrs? old|-year-old|\+)|\b(?:KS\s?\d|key stages?\s?\d|early years|year \d{1,2}|under[- ]?\d{1,2}s)\b/i,
  // A price, not any sum of money: a budget contribution is not what a course costs.
  // An inspection grade, not a mention of the inspectorate.
  rating: /\b(?:outstanding|requires improvement|inadequate|(?:rated|judged|graded) (?:as )?(?:good|outstanding)|good rating)\b/i,
  cost: /£\s?\d[^.]{0,40}\b(?:per|each|a head|fee|cost|charge)|\b(?:costs?|fees?|price|charged?)\b[^.]{0,40}£\s?\d|\bfree(?: of charge)?\b|\bno (?:charge|cost)\b/i,
};

/**
 * A fact of the asked kind (matching `pattern`) in a sentence — or a line, for contact details — that,
 * with the one before it and the passage's headings, mentions one of the question's distinctive things.
 */
function hasFactAbout(h: SearchHit, pattern: RegExp, topical: Concept[], unit: 'sentence' | 'line'): boolean {
  const heading = h.chunk.headingPath.join(' ');
  const lines = h.chunk.text.split('\n');
  const pieces = unit === 'line' ? [lines] : lines.map((line) => splitSentences(line));
  return pieces.some((group) =>
    group.some((piece, i) => {
      if (!pattern.test(piece)) return false;
      if (topical.length === 0) return true;
      // The piece before often names the subject ("…Amity e-learning module. The course … takes an hour").
      // After a list, the line that opened it names the subject ("…launched new training events, including:
      // - … - … For more information please email: …").
      const opener = unit === 'line' && i > 0 && BULLET.test(group[i - 1]) ? group.slice(0, i).reverse().find((l) => l.trim() && !BULLET.test(l)) ?? '' : '';
      const terms = new Set(analyze(`${heading} ${opener} ${group[i - 1] ?? ''} ${piece}`));
      return topical.some((c) => c.alternatives.some((a) => a.terms.every((t) => terms.has(t))));
    }),
  );
}

const BULLET = /^\s*(?:[-•*≤]|\d+[.)])\s/;

const YEAR = /^(?:19|20)\d\d$/;

/**
 * Whether a passage speaks of the asked edition ('this'), of the name with another year only ('other'),
 * of the name without a year ('undated'), or not of the name at all ('absent').
 */
function editionState(h: SearchHit, e: AnalyzedQuery['editions'][number]): 'this' | 'other' | 'undated' | 'absent' {
  let state: 'other' | 'undated' | 'absent' = 'absent';
  // Title, each heading and the text apart: a year in the title is not the year of a name in a heading.
  for (const field of [h.chunk.title, ...h.chunk.headingPath, h.chunk.text]) {
    const tokens = analyze(field);
    for (let i = 0; i < tokens.length; i++) {
      if (!e.names.includes(tokens[i])) continue;
      // "KCSIE 2023", "the 2024 JTAI", "Working Together to Safeguard Children 2023": a year close by, either side.
      const years = [...tokens.slice(Math.max(0, i - 3), i), ...tokens.slice(i + 1, i + 5)].filter((x) => YEAR.test(x));
      if (years.includes(e.year)) return 'this';
      if (years.length) state = 'other';
      else if (state === 'absent') state = 'undated';
    }
  }
  return state;
}
