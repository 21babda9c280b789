import type { AnswerSource, Chunk } from '../knowledge.types';
import { analyze } from '../search/analyzer';
import type { AnalyzedQuery, Concept } from '../search/query-analyzer';
import type { SearchHit, SearchIndex } from '../search/search-index';
import { splitSentences } from '../chunker';
import { isCommonWord } from './common-words';

/** About the length of a short Teams message; the first 800 characters must carry the facts. */
export const ANSWER_BUDGET = 600;

interface Unit {
  text: string;
  hit: number;
  pos: number;
  /** Set when the unit is a list item: the line introducing the list. */
  leadIn?: number;
  isItem: boolean;
  /** Index of the line (paragraph, item, row) the unit comes from. */
  line: number;
  endsLeadIn: boolean;
  terms: Set<string>;
  seq: string[];
  score: number;
}

function unitsOf(hit: SearchHit, hitRank: number): Unit[] {
  const units: Unit[] = [];
  let leadIn: number | undefined;
  for (const [lineNo, line] of hit.chunk.text.split('\n').entries()) {
    const isItem = line.startsWith('- ');
    const body = isItem ? line.slice(2) : line;
    // A short line (a table row, a caption, a two-sentence paragraph) stays whole.
    const pieces = isItem || body.length <= 280 ? [body] : splitSentences(body);
    for (const p of pieces) {
      const endsLeadIn = /[:;]-?$/.test(p.trim()) || /\b(?:include|including|following|are|were)\s*:?-?$/i.test(p.trim());
      units.push({
        text: p.trim(),
        hit: hitRank,
        pos: units.length,
        leadIn: isItem ? leadIn : undefined,
        isItem,
        line: lineNo,
        endsLeadIn,
        terms: new Set(analyze(p)),
        seq: analyze(p),
        score: 0,
      });
      if (!isItem) leadIn = endsLeadIn ? units.length - 1 : undefined;
    }
  }
  return units;
}

/** Which of the question's concepts a unit mentions, weighted by rarity. */
function conceptGain(u: Unit, concepts: Concept[], idf: (t: string) => number, covered: Set<number>): number {
  let gain = 0;
  concepts.forEach((c, ci) => {
    let best = 0;
    for (const alt of c.alternatives) if (alt.terms.every((t) => u.terms.has(t))) best = Math.max(best, alt.weight);
    if (best === 0) return;
    const w = idf(c.alternatives[0].terms[0]) * best * (c.primary ? 1 : 0.5);
    gain += covered.has(ci) ? 0.25 * w : w;
  });
  return gain;
}

/** Consecutive question words that sit next to each other in the unit ("working together"). */
function phraseBonus(u: Unit, sequence: string[], idf: (t: string) => number): number {
  let bonus = 0;
  for (let i = 0; i + 1 < sequence.length; i++) {
    const a = sequence[i];
    const b = sequence[i + 1];
    for (let k = 0; k + 1 < u.seq.length; k++) {
      if (u.seq[k] === a && u.seq[k + 1] === b) {
        bonus += 0.5 * Math.min(idf(a), idf(b));
        break;
      }
    }
  }
  return bonus;
}

function conceptsIn(u: Unit, concepts: Concept[]): number[] {
  const out: number[] = [];
  concepts.forEach((c, ci) => {
    if (c.alternatives.some((a) => a.terms.every((t) => u.terms.has(t)))) out.push(ci);
  });
  return out;
}

const ANSWERISH: Record<string, RegExp> = {
  number: /\d/,
  frequency: /\b(?:daily|weekly|monthly|quarterly|annual(?:ly)?|yearly|every|times a|once|twice|rotating|regular)/i,
  duration: /\b(?:\d+|an?|one|two|few)\s+(?:minutes?|hours?|days?|weeks?|months?|years?)\b/i,
  date: /\b(?:19|20)\d\d\b|\b(?:january|february|march|april|may|june|july|august|september|october|november|december)\b/i,
  person: /\b[A-Z][a-z]+\b.*\b(?:[A-Z][a-z]+|officer|lead|chair|manager|nurse|team|subgroup|board|co-?ordinator)/,
  place: /\b(?:locations?|located|based (?:at|in)|venues?|such as|sites?|includes?)\b/i,
};

const CONTACT_DETAIL: Record<NonNullable<AnalyzedQuery['wantsContact']>, RegExp> = {
  email: /[\w.+-]+@[\w-]+\.[\w.-]+/,
  phone: /(?:\+44\s?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b/,
  address: /https?:\/\/|www\./,
};

export interface ComposedAnswer {
  text: string;
  /** Indexes (into hits) of the passages the text quotes, in marker order. */
  cited: number[];
}

/**
 * Extractive answer: the sentences (and list items) of the top passages that best cover the question,
 * in their original order, each passage's sentences followed by its [n] marker. A lead-in line brings
 * its list; a list item brings its lead-in.
 */
export function composeExtractive(q: AnalyzedQuery, hits: SearchHit[], index: SearchIndex, budget = ANSWER_BUDGET): ComposedAnswer {
  if (hits.length === 0) return { text: '', cited: [] };
  const top = hits[0].score;
  const ranks = hits.slice(0, 3).map((_, i) => i).filter((i) => i === 0 || hits[i].score >= top * 0.45);
  // A question several documents answer ("the arrangements and the annual report say…") shows each
  // document's view: the best passage from another document joins when it is nearly as strong.
  const otherDoc = otherDocumentRanks(hits);
  // Candidates not among the chosen passages are scored, then dropped unless A2 takes one of them.
  const extra = (otherDoc?.ranks ?? []).filter((r) => !ranks.includes(r));
  const idf = (t: string) => index.idf(t);
  let all = [...ranks, ...extra].flatMap((r) => unitsOf(hits[r], r));
  const rankWeight = [1, 0.75, 0.6, 0.5, 0.45];
  for (const u of all) {
    u.score = (conceptGain(u, q.concepts, idf, new Set()) + phraseBonus(u, q.sequence, idf)) * rankWeight[u.hit];
    if (q.answerType && ANSWERISH[q.answerType].test(u.text)) u.score *= 1.25;
    if (u.text.length < 25 && !u.isItem) u.score *= 0.8;
  }

  const chosen = new Set<Unit>();
  const covered = new Set<number>();
  let used = 0;
  const take = (u: Unit) => {
    if (chosen.has(u)) return;
    chosen.add(u);
    used += u.text.length + 2;
    for (const ci of conceptsIn(u, q.concepts)) covered.add(ci);
  };
  const byHit = (h: number) => all.filter((u) => u.hit === h);

  const typed = (u: Unit) => (q.answerType && ANSWERISH[q.answerType].test(u.text) ? 1.25 : 1);
  const withContext = (u: Unit) => {
    take(u);
    const units = byHit(u.hit);
    if (u.isItem && u.leadIn !== undefined) take(units[u.leadIn]);
    if (u.endsLeadIn) for (const item of units.filter((x) => x.leadIn === u.pos).slice(0, 6)) take(item);
    // A caption or signature line ("Independent Chair, …") needs the line before it ("Janet …").
    if (!u.isItem && u.text.length < 60 && u.pos > 0) take(units[u.pos - 1]);
  };

  // A: the best unit (usually from the top passage), with the sentence before it (it often names the subject).
  // Questions that want a number, date, frequency… may find it in the second passage; others stay with the first.
  const pool = q.answerType ? all : byHit(0);
  const best0 = [...pool].sort((a, b) => b.score - a.score)[0];
  const firstUnits = best0 ? byHit(best0.hit) : [];
  if (best0) {
    withContext(best0);
    const prev = firstUnits[best0.pos - 1];
    // From another paragraph only when it adds something the question asks about.
    const related = prev && (prev.line === best0.line || conceptsIn(prev, q.concepts).some((ci) => !covered.has(ci)));
    if (prev && related && !prev.isItem && !best0.isItem && used + prev.text.length <= budget) take(prev);
  }
  const bar = (best0?.score ?? 0) * 0.5;

  // C: continue the top passage after its best unit — first only with sentences that speak to the
  // question ("…launched Safe Spaces. … Safe Spaces includes locations such as…"), then, after the
  // other passages had their turn, with whatever follows.
  const continueTop = (onTopic: boolean) => {
    if (!best0) return;
    for (const u of firstUnits.slice(best0.pos + 1, best0.pos + 3)) {
      if (chosen.has(u)) continue;
      if (onTopic && conceptsIn(u, q.concepts).length === 0) break;
      if (used + u.text.length + 2 > budget) break;
      take(u);
    }
  };
  continueTop(true);

  // A2: the other document's best unit, when it speaks to the question (see otherDocumentRanks).
  let otherTaken: number | undefined;
  if (otherDoc && best0) {
    // A newer document however weak must speak of everything the old answer is about — bar the words
    // only the old passage has (an old Twitter handle): then it is the current version of the same thing.
    // A word in a single passage has the IDF of document frequency 1 (the index's BM25 formula).
    const idfOfOne = Math.log(1 + (index.size - 0.5) / 1.5);
    const own = conceptsIn(best0, q.concepts).filter((ci) => q.concepts[ci].primary);
    const required = own.filter((ci) => idf(q.concepts[ci].alternatives[0].terms[0]) < idfOfOne - 1e-6 && !isCommonWord(q.concepts[ci].surface));
    // …and of what is rarest in it (the Twitter of "the CSCP twitter account", not the "account").
    const weight = (ci: number) => idf(q.concepts[ci].alternatives[0].terms[0]);
    const rarestWeight = Math.max(0, ...own.map(weight));
    const rarest = own.filter((ci) => weight(ci) >= rarestWeight * 0.8);
    const speaks = (u: Unit) => {
      const has = conceptsIn(u, q.concepts);
      return has.length > 0 && (!otherDoc.newer || (required.every((ci) => has.includes(ci)) && rarest.some((ci) => has.includes(ci))));
    };
    // A second document's view may stretch the answer a little past the budget (still well inside 800).
    const room = budget + OTHER_DOCUMENT.extraBudget;
    const share = otherDoc.newer ? OTHER_DOCUMENT.newerMinUnitShare : OTHER_DOCUMENT.minUnitShare;
    for (const r of otherDoc.ranks) {
      if (r === best0.hit) continue;
      const best = byHit(r)
        .filter((u) => !chosen.has(u) && speaks(u))
        .sort((a, b) => b.score - a.score)[0];
      if (best && best.score >= best0.score * share && used + Math.min(best.text.length, 260) <= room) {
        withContext(best);
        otherTaken = r;
        break;
      }
    }
  }
  if (otherTaken !== undefined && !ranks.includes(otherTaken)) ranks.push(otherTaken);
  all = all.filter((u) => ranks.includes(u.hit));

  // B: units from any passage that add question words not yet covered (multi-document questions).
  for (let round = 0; round < 8 && used < budget; round++) {
    let best: Unit | undefined;
    let bestGain = 0;
    for (const u of all) {
      if (chosen.has(u)) continue;
      const gain = conceptGain(u, q.concepts, idf, covered) * rankWeight[u.hit] * typed(u);
      if (gain > bestGain) {
        best = u;
        bestGain = gain;
      }
    }
    if (!best || bestGain < bar || conceptsIn(best, q.concepts).every((ci) => covered.has(ci))) break;
    if (used + Math.min(best.text.length + 2, 260) > budget) break;
    withContext(best);
  }

  // D: an email address or phone number asked for ("…and who do i email?") is part of the answer even
  // when its line says little else the question asks about.
  const detail = q.wantsContact ? CONTACT_DETAIL[q.wantsContact] : undefined;
  if (detail && ![...chosen].some((u) => detail.test(u.text))) {
    const withDetail = all.filter((u) => !chosen.has(u) && detail.test(u.text)).sort((a, b) => a.hit - b.hit || b.score - a.score)[0];
    if (withDetail && used + withDetail.text.length + 2 <= budget + OTHER_DOCUMENT.extraBudget) take(withDetail);
  }

  continueTop(false);
  if (chosen.size === 0) take(byHit(0)[0]);

  // Render: passages in rank order, units in document order, list items as "•" lines.
  const cited: number[] = [];
  const parts: string[] = [];
  for (const h of [...ranks].sort((a, b) => a - b)) {
    const units = byHit(h).filter((u) => chosen.has(u));
    if (units.length === 0) continue;
    cited.push(h);
    // Markers use the passage's rank, so sources can stay best first ([1] [3] is fine).
    const n = h + 1;
    const lines = units.map((u) => (u.isItem ? `• ${clip(u.text, 160)}` : clip(u.text, 420)));
    parts.push(`${joinUnits(lines)} [${n}]`);
  }
  return { text: parts.join('\n'), cited };
}

/** When a passage from a second document joins the answer (share of the top passage's score / best unit's score). */
export const OTHER_DOCUMENT = { minHitShare: 0.6, minUnitShare: 0.35, extraBudget: 120, newerByYears: 3, newerMinUnitShare: 0.05 };

/**
 * Passages (top 5) whose document may add its view: the best one from a document other than the top
 * passage's, if strong enough — or, when the top passage comes from a document years older than others in
 * the top 5, those newer ones however weak (the practitioner should see what is current too).
 */
function otherDocumentRanks(hits: SearchHit[]): { ranks: number[]; newer: boolean } | undefined {
  const first = hits[0].chunk;
  const top5 = hits.slice(0, 5);
  const newer = top5.map((h, r) => r).filter((r) => r > 0 && yearsBetween(first.published, top5[r].chunk.published) >= OTHER_DOCUMENT.newerByYears);
  if (newer.length) return { ranks: newer, newer: true };
  for (let r = 1; r < top5.length; r++) {
    if (hits[r].chunk.docId === first.docId) continue;
    return hits[r].score >= hits[0].score * OTHER_DOCUMENT.minHitShare ? { ranks: [r], newer: false } : undefined;
  }
  return undefined;
}

function yearsBetween(older: string, newer: string): number {
  const y = (p: string) => Number(/^(\d{4})/.exec(p)?.[1] ?? NaN);
  const d = y(newer) - y(older);
  return Number.isNaN(d) ? 0 : d;
}

function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  const at = Math.max(cut.lastIndexOf('; '), cut.lastIndexOf(', '), cut.lastIndexOf(' '));
  return `${cut.slice(0, at > max * 0.6 ? at : max).trimEnd()}…`;
}

function joinUnits(lines: string[]): string {
  let out = '';
  for (const l of lines) {
    if (!out) out = l;
    else if (l.startsWith('• ') || out.endsWith(':') || /\n• [^\n]*$/.test(out)) out += `\n${l}`;
    else out += ` ${l}`;
  }
  return out;
}

/** Citation details for a passage. */
export function toSource(hit: SearchHit, n: number, now: Date, maxAgeYears: number): AnswerSource {
  const c = hit.chunk;
  const section = [c.headingPath.join(' › '), c.page ? `page ${c.page}` : ''].filter(Boolean).join(', ');
  const outdated = isOutdated(c, now, maxAgeYears);
  return {
    n,
    title: c.title,
    section,
    published: c.published,
    url: c.url,
    text: c.text,
    score: Math.round(hit.score * 1000) / 1000,
    chunkId: c.id,
    ...(c.page ? { page: c.page } : {}),
    outdated,
    ...(outdated ? { ageNotice: `published ${c.published.slice(0, 4)} — may be out of date` } : {}),
  };
}

export function isOutdated(c: Pick<Chunk, 'published'>, now: Date, maxAgeYears: number): boolean {
  const m = /^(\d{4})(?:-(\d{2}))?/.exec(c.published);
  if (!m || maxAgeYears <= 0) return false;
  const published = Date.UTC(Number(m[1]), m[2] ? Number(m[2]) - 1 : 0, 1);
  const limit = Date.UTC(now.getUTCFullYear() - maxAgeYears, now.getUTCMonth(), now.getUTCDate());
  return published < limit;
}
