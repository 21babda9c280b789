import type { AnalyzedQuery } from '../search/query-analyzer';
import { COMMON_WORDS } from './common-words';
import type { SearchHit, SearchIndex } from '../search/search-index';

const PHONE = /(?:\+44\s?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b|\b(?:999|111|116 ?\d{3})\b/;
const EMAIL = /[\w.+-]+@[\w-]+\.[\w.-]+/;
const ADDRESS_OR_LINK = /https?:\/\/|www\.|\b[A-Z]{1,2}\d{1,2}[A-Z]? ?\d[A-Z]{2}\b/;

export interface Confidence {
  found: boolean;
  /** Why the guidance was judged not to answer (for logs and tests). */
  reason?: 'no-match' | 'low-coverage' | 'rare-terms-missing' | 'no-contact-detail';
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
  if (coverage < NOT_FOUND_THRESHOLDS.minCoverage) return { found: false, reason: 'low-coverage', ...base };
  if (missingShare > NOT_FOUND_THRESHOLDS.maxMissingRareShare && strength < NOT_FOUND_THRESHOLDS.strongMatch) return { found: false, reason: 'rare-terms-missing', ...base };
  return { found: true, ...base };
}
