import { analyze } from '../search/analyzer';
import { splitSentences } from '../chunker';
import { DURATION_UNITS, type AnalyzedQuery, type Concept, type DurationUnit } from '../search/query-analyzer';
import { COMMON_WORDS } from './common-words';
import type { SearchHit, SearchIndex } from '../search/search-index';

const PHONE = /(?:\+44\s?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b|\b(?:999|111|116 ?\d{3})\b/;
const EMAIL = /[\w.+-]+@[\w-]+\.[\w.-]+/;
const ADDRESS_OR_LINK = /https?:\/\/|www\.|\b[A-Z]{1,2}\d{1,2}[A-Z]? ?\d[A-Z]{2}\b/;

export interface Confidence {
  found: boolean;
  /** Why the guidance was judged not to answer (for logs and tests). */
  reason?: 'no-match' | 'low-coverage' | 'rare-terms-missing' | 'no-contact-detail' | 'no-duration' | 'named-thing-missing' | 'other-edition';
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
      !COMMON_WORDS.has(c.surface) &&
      !/\d/.test(c.surface) &&
      c.surface.length > 2 &&
      top.every((h) => h.missing.includes(c.surface)),
  );
  const strength = hits[0].score / total;
  const missingShare = missingRare.reduce((a, c) => a + weightOf(c), 0) / total;
  const base = { coverage, missingRare: missingRare.map((c) => c.surface) };

  const detail = q.wantsContact === 'phone' ? PHONE : q.wantsContact === 'email' ? EMAIL : q.wantsContact === 'address' ? ADDRESS_OR_LINK : undefined;
  if (detail && !top.some((h) => detail.test(h.chunk.text))) {
    return { found: false, reason: 'no-contact-detail', ...base };
  }
  // A length of time asked for ("how many weeks' notice") needs one in a fitting unit: "two years ago"
  // in a case study does not answer a notice period.
  if (q.wantsDuration && !top.some((h) => hasDurationAbout(q, h.chunk.text, (c) => weightOf(c) >= maxIdf * 0.3 && !COMMON_WORDS.has(c.surface)))) {
    return { found: false, reason: 'no-duration', ...base };
  }
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

const TIME_WORDS = new Set(['long', 'mani', 'notic', 'period', 'time', ...DURATION_UNITS]);

/** A sentence with a fitting duration that also mentions something else the question asks about. */
function hasDurationAbout(q: AnalyzedQuery, text: string, distinctive: (c: Concept) => boolean): boolean {
  const pattern = durationPattern(q.wantsDuration?.unit);
  const topical = q.concepts.filter((c) => c.primary && distinctive(c) && !c.alternatives[0].terms.every((t) => TIME_WORDS.has(t)));
  return text.split('\n').some((line) => {
    const sentences = splitSentences(line);
    return sentences.some((sentence, i) => {
      if (!pattern.test(sentence)) return false;
      // The sentence before often names the subject ("…Amity e-learning module. The course … takes an hour").
      const terms = new Set(analyze(`${sentences[i - 1] ?? ''} ${sentence}`));
      return topical.length === 0 || topical.some((c) => c.alternatives.some((a) => a.terms.every((t) => terms.has(t))));
    });
  });
}

const YEAR = /^(?:19|20)\d\d$/;

/**
 * Whether a passage speaks of the asked edition ('this'), of the name with another year only ('other'),
 * of the name without a year ('undated'), or not of the name at all ('absent').
 */
function editionState(h: SearchHit, e: AnalyzedQuery['editions'][number]): 'this' | 'other' | 'undated' | 'absent' {
  const tokens = analyze(`${h.chunk.title}\n${h.chunk.headingPath.join('\n')}\n${h.chunk.text}`);
  let state: 'other' | 'undated' | 'absent' = 'absent';
  for (let i = 0; i < tokens.length; i++) {
    if (!e.names.includes(tokens[i])) continue;
    const years = tokens.slice(i + 1, i + 5).filter((x) => YEAR.test(x));
    if (years.includes(e.year)) return 'this';
    if (years.length) state = 'other';
    else if (state === 'absent') state = 'undated';
  }
  return state;
}
