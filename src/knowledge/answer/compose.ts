/**
 * The extractive answer: the guidance's own words, from the passages that answer, each passage introduced
 * by what it is (its document and section, so the answer names its subject), current documents before
 * dated ones, a dated source's warning before its text. Within a passage: the sentence that best matches the
 * question, the sentence before it when that one only continues it ("This is…", "They…"), the sentence after
 * when the kind of fact asked for is there, and a list whole when the answer is a list.
 */
import type { AnswerSource, Chunk } from '../knowledge.types';
import { termNames, type LexicalIndex } from '../search/lexical-index';
import type { Query } from '../search/query';
import { factTypesHeld, type FactType } from '../understand/fact-types';
import type { LinearModelJson } from '../understand/linear-model';
import { unitContext, unitHints, unitScores } from './unit-model';

/** The snippets of a passage that earlier askers of similar questions marked as their answer, with their similarity. */
export type Hints = (chunk: Chunk) => readonly [string, number][];
import { queryWeight, quotable, scoreUnit, unitsOf, CONTINUES, type Unit } from './units';
import { stemToken } from '../understand/text';

/** About the length of a short Teams message; the first 800 characters must carry the facts. */
export const ANSWER_BUDGET = 600;
/** Leads an answer whose contact details come only from a dated source. */
export const DATED_CONTACT = 'The current CSCP guidance gives no contact for this. The only one is in an older document, so check it is still right before you use it:';

/**
 * Other sentences are quoted, best first while there is room, when they score at least this share of the best;
 * the first passage leaves the second this much room. Both chosen on the training split (writers held out in
 * turn), for the facts asked for within the first 800 characters.
 */
const REST_SHARE = 0.1;
const SECOND_PASSAGE_ROOM = 100;
/**
 * A passage after the first is quoted when the reranker gives it at least this share of the first's probability
 * (and 0.1), even from the same section as the first (another paragraph of it). Chosen on a validation split:
 * the models retrained without three writers (wj, wv, xe: 746 messages), measured on theirs. From 0.5 and
 * other sections only to this: confident answers that quote no passage holding the answer 13.4 → 8.7 %, the
 * facts asked for within 800 characters 69.8 → 70.0 %, right passage first 78.4 % either way (0.2 moved it
 * down, as a likelier current passage then goes before a dated right one).
 */
const SECOND_SHARE = 0.25;
/** Room for the passage a follow-up has not seen yet, beside the one it has. */
const FRESH_PASSAGE_ROOM = 220;

/** Introduces another paragraph of the section quoted just before. */
export const SAME_SECTION = 'Also in the same section';

/** A list item other than the best-matching one is shown up to this length, so a whole list fits. */
const ITEM_CHARS = 110;
/** A list asked for ("who are the…", "list the…") may run to this many characters, so it is given whole. */
const LIST_BUDGET = 720;

export interface RankedPassage {
  chunk: Chunk;
  /** Probability that the passage answers (reranker). */
  p: number;
}

export interface ComposedAnswer {
  text: string;
  /** Passages in the order they are numbered in the answer ([1], [2]…). */
  cited: RankedPassage[];
}

function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  const at = Math.max(cut.lastIndexOf('; '), cut.lastIndexOf(', '), cut.lastIndexOf(' '));
  return `${cut.slice(0, at > max * 0.6 ? at : max).trimEnd()}…`;
}

/**
 * A unit too long to show whole (a page layout's run of figures joined into one line, a long table row) is shown
 * from the stretch that shares most of the question's words, each weighted as in `scoreUnit` (from its start
 * when no stretch shares more), with "…" where it is cut. (On the validation split — models without writers wj,
 * wv, xe — the facts asked for within 800 characters 286 → 291 of 367; follow-ups 156 → 155 of 227.)
 */
function clipAround(s: string, max: number, weightOf: (stem: string) => number): string {
  if (s.length <= max) return s;
  const words = [...s.matchAll(/\S+/g)].map((m) => ({ at: m.index ?? 0, end: (m.index ?? 0) + m[0].length, w: weightOf(stemToken(m[0].toLowerCase().replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, ''))) }));
  const scores: number[] = [];
  for (let i = 0; i < words.length; i++) {
    const seen = new Set<string>();
    let score = 0;
    for (let j = i; j < words.length && words[j].end - words[i].at <= max; j++) {
      const key = s.slice(words[j].at, words[j].end).toLowerCase();
      if (words[j].w > 0 && !seen.has(key)) score += words[j].w;
      seen.add(key);
    }
    scores.push(score);
  }
  // From the start when it shares as much as any stretch; otherwise the middle of the starts that share the most,
  // so the words matched sit inside the stretch shown rather than at its edge.
  const top = Math.max(...scores);
  if (scores[0] >= top - 1e-9) return clip(s, max);
  const ties = scores.flatMap((x, i) => (x >= top - 1e-9 ? [i] : []));
  const best = ties[Math.floor(ties.length / 2)];
  return `…${clip(s.slice(words[best].at), max)}`;
}

/** A sentence that starts by pointing back ("This…", "They…", or "The toolkit…" after a sentence naming the toolkit). */
function refersBack(u: Unit, before: Unit): boolean {
  if (CONTINUES.test(u.text)) return true;
  const m = /^the ([a-z][a-z-]+)\b/i.exec(u.text);
  return !!m && before.terms.has(stemToken(m[1].toLowerCase()));
}

/** The sentences of one passage that answer, in document order. */
function extract(chunk: Chunk, q: Query, asked: Set<FactType>, budget: number, index: LexicalIndex, names: string[], unitModel: LinearModelJson | undefined, seen: Set<string> = new Set(), hints?: Hints): string {
  // Sentences an earlier passage of the answer already quoted (another document saying the same) are left out,
  // and so are those that only point at a link the text does not carry. (Not a line that opens a list with an
  // item not yet quoted: that item is quoted under it even when another passage's list had the same opening line.)
  const all = quotable(unitsOf(chunk));
  const unseen = (u: Unit) => !seen.has(normLine(u.text));
  const itemUnseenBelow = (i: number) => {
    for (let j = i + 1; j < all.length && all[j].isItem; j++) if (unseen(all[j])) return true;
    return false;
  };
  const units = all.filter((u, i) => unseen(u) || (u.opensList && itemUnseenBelow(i)));
  if (!units.length) return '';
  const idf = (tid: number) => index.idf(tid);
  const term = (tid: number) => names[tid];
  const lexical = units.map((u) => scoreUnit(u, q, idf, term));
  if (unitModel) {
    // The learned model: which sentences hold what the question asks for.
    const ctx = unitContext(q, lexical, index, units, term);
    ctx.hints = unitHints(units, hints?.(chunk) ?? []);
    const p = unitScores(units, ctx, asked, unitModel);
    units.forEach((u, i) => (u.score = p[i]));
  } else {
    units.forEach((u, i) => {
      u.score = lexical[i];
      const held = factTypesHeld(u.text);
      for (const a of asked) if (held.has(a)) u.score *= 1.3;
    });
  }
  const chosen = new Set<number>();
  const bestIdx = units.reduce((b, u, i) => (u.score > units[b].score ? i : b), 0);
  // How much of a unit is shown: the best one at length, other list items short so a whole list fits.
  const shown = (i: number) => Math.min(units[i].text.length, i === bestIdx ? 300 : units[i].isItem ? ITEM_CHARS : 450);
  let used = 0;
  const take = (i: number, room = budget) => {
    if (i < 0 || i >= units.length || chosen.has(i)) return false;
    if (chosen.size && used + shown(i) > room) return false;
    chosen.add(i);
    used += shown(i) + 1;
    return true;
  };
  const best = units[bestIdx];
  // A list asked for, and the best match one of its items: the list is given from its start, in order (below),
  // rather than that item first and the rest around it.
  if (!(asked.has('list') && best.isItem)) take(bestIdx);
  // The subject is in the sentence before ("…Effective Support for Children and Families. This is the threshold document…").
  if (CONTINUES.test(best.text) && bestIdx > 0) take(bestIdx - 1);
  // A list item needs what it is a list of; a list asked for, or opened by the chosen line, is given whole.
  const listOf = (i: number) => {
    let j = i;
    while (j > 0 && units[j].isItem) j--;
    return j;
  };
  if (best.isItem) {
    // Even past the budget: the best item means nothing without it.
    const o = listOf(bestIdx);
    if (o !== bestIdx && !units[o].isItem && !chosen.has(o)) {
      chosen.add(o);
      used += shown(o) + 1;
    }
  }
  let opener = [...chosen].map((i) => units[i]).find((u) => u.opensList);
  // A list asked for, and the best sentence outside any list: the passage's list is the answer (its items name
  // the facts, its opening line says what they are), so the best-matching list is quoted after it.
  if (!opener && !best.isItem && asked.has('list')) {
    let at = -1;
    let atScore = -Infinity;
    units.forEach((u, i) => {
      if (!u.opensList || !units[i + 1]?.isItem) return;
      let s = u.score;
      for (let j = i + 1; j < units.length && units[j].isItem; j++) s = Math.max(s, units[j].score);
      if (s > atScore) [at, atScore] = [i, s];
    });
    if (at >= 0 && take(at)) opener = units[at];
  }
  let oneItem = false;
  if (opener || best.isItem || asked.has('list')) {
    // A list asked for: in order, up to the first item there is no room for (with more room than a sentence
    // gets). Otherwise the items that fit (a gap is marked), around the one the question matched.
    const start = best.isItem ? listOf(bestIdx) : units.indexOf(opener ?? best);
    const first = start + (units[start].isItem ? 0 : 1);
    // (a long table or list whose one item the question names: that item, not the list's first ones)
    let whole = 0;
    for (let i = first; i < units.length && units[i].isItem; i++) if (!chosen.has(i)) whole += shown(i) + 1;
    oneItem = best.isItem && !opener && !asked.has('list') && used + whole > budget;
    const room = asked.has('list') ? Math.max(budget, LIST_BUDGET) : budget;
    for (let i = first; !oneItem && i < units.length && units[i].isItem; i++) if (!take(i, room) && asked.has('list') && !chosen.has(i)) break;
  }
  // The fact asked for may sit in the sentence after the one that names the subject.
  const heldNow = () => new Set([...chosen].flatMap((i) => [...factTypesHeld(units[i].text)]));
  if ([...asked].some((a) => !heldNow().has(a))) for (const i of [bestIdx + 1, bestIdx + 2]) if ([...asked].some((a) => factTypesHeld(units[i]?.text ?? '').has(a))) take(i);
  // Then whatever else in the passage speaks to the question, best first, while there is room.
  // (not the items of a list asked for: one picked from further down would leave a gap in it; nor other rows of
  // a long table whose one row the question names)
  const rest = units
    .map((u, i) => ({ u, i }))
    .filter(({ u, i }) => !chosen.has(i) && !((asked.has('list') || oneItem) && u.isItem) && u.score > REST_SHARE * best.score)
    .sort((a, b) => b.u.score - a.u.score);
  for (const { i } of rest) take(i);
  if (chosen.size === 1 && bestIdx + 1 < units.length && units[bestIdx + 1].line === best.line) take(bestIdx + 1);
  // Any other sentence quoted that only continues the one before it ("The toolkit contains…" after "A
  // multi-agency Neglect Toolkit has also been developed…") has that one quoted too, room permitting. (Leaving
  // such a sentence out when there is no room cost facts on the validation split: 258 → 256 of 367.)
  for (const i of [...chosen].sort((a, b) => a - b)) {
    if (i === 0 || i === bestIdx || units[i].isItem || chosen.has(i - 1) || units[i - 1].isItem || !refersBack(units[i], units[i - 1])) continue;
    take(i - 1);
  }

  // A line that opens a list is shown with its list, or not at all (unless it is what the question matched);
  // a list cut short for room says so.
  for (const i of [...chosen]) {
    const u = units[i];
    if (!u.opensList || i === bestIdx) continue;
    let has = false;
    for (let j = i + 1; j < units.length && units[j].isItem && !has; j++) has = chosen.has(j);
    if (!has) chosen.delete(i);
  }
  // And a list item is shown under the line that opens its list, or not at all: "• the local authority" alone
  // does not say what it is one of.
  for (const i of [...chosen]) {
    if (!units[i].isItem || i === bestIdx) continue;
    const o = listOf(i);
    if (o !== i && !units[o].isItem && units[o].opensList && !chosen.has(o)) chosen.delete(i);
  }
  const weights = new Map<string, number>();
  for (const t of q.terms) weights.set(t.stem, Math.max(weights.get(t.stem) ?? 0, queryWeight(t, idf)));
  const weightOf = (stem: string) => weights.get(stem) ?? 0;
  const lines: string[] = [];
  let prevLine = -1;
  let cutList = false;
  for (const [k, i] of [...chosen].sort((a, b) => a - b).entries()) {
    const next = [...chosen].sort((a, b) => a - b)[k + 1];
    if (units[i].isItem && units[i + 1]?.isItem && next !== i + 1) cutList = true;
    const u = units[i];
    const text = u.isItem ? `• ${clip(u.text, shown(i))}` : clipAround(u.text, shown(i), weightOf);
    if (!lines.length || u.isItem || units[i].line !== prevLine || lines[lines.length - 1].startsWith('• ')) lines.push(text);
    else lines[lines.length - 1] += ` ${text}`;
    prevLine = u.line;
    if (cutList) {
      lines.push('• … (more in the passage)');
      cutList = false;
    }
  }
  return lines.join('\n');
}

/** The sentences of one passage that best match the question, within `budget` characters. */
export function quotePassage(chunk: Chunk, q: Query, asked: Set<FactType>, index: LexicalIndex, budget: number, unitModel?: LinearModelJson, hints?: Hints): string {
  const names = termNames(index);
  return extract(chunk, q, asked, budget, index, names, unitModel, undefined, hints);
}

/**
 * A document's title short enough to leave room for its section (in an answer's labels, and in an 80-character
 * citation pop-up title): the partnership's and the old board's names become the initials practitioners use.
 */
export function compactTitle(title: string): string {
  return title
    .replace(/Coventry Safeguarding Children['’]s Partnership|Coventry Safeguarding Children Partnership/g, 'CSCP')
    .replace(/Coventry Safeguarding Children Board/g, 'Coventry LSCB')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A heading that names a part of any report, not its subject ("What's working well?", "Background"). */
const GENERIC_HEADING = /^(?:what'?s working well|areas for development|background|outcome|the outcome|what went well|support process|introduction|overview|summary|conclusion|what support was offered|purpose)\??:?$/i;
/** A heading that is only a date, a season or a range of them ("April 2025", "Spring term 2024", "2024-25"): when, not what. */
const MONTH = '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const WHEN = `(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day\\s+)?(?:\\d{1,2}(?:st|nd|rd|th)?\\s+)?(?:${MONTH}|(?:spring|summer|autumn|winter)(?:\\s+term)?)(?:\\s+\\d{1,2}(?:st|nd|rd|th)?)?(?:,?\\s+\\d{4})?|\\d{4}`;
const DATED_HEADING = new RegExp(`^(?:${WHEN})(?:\\s*(?:[-–/]|to)\\s*(?:${WHEN}|\\d{2}))?[.:]?$`, 'i');

/**
 * What a section is called where it is named to a person (a passage's label, a further question): its own
 * heading, or, when that only says which part of a report or which date it is, the nearest heading above it that
 * names a subject, with it ("Exploitation (what's working well)", "STAG (April 2025)"); nothing when there is
 * none.
 */
export function sectionName(headingPath: string[]): string | undefined {
  const leaf = headingPath[headingPath.length - 1]?.trim();
  if (!leaf) return undefined;
  const generic = GENERIC_HEADING.test(leaf);
  if (!generic && !DATED_HEADING.test(leaf)) return leaf.replace(/:+$/, '');
  const subject = headingPath
    .slice(0, -1)
    .map((h) => h.trim())
    .reverse()
    .find((h) => h && !GENERIC_HEADING.test(h) && !DATED_HEADING.test(h));
  if (!subject) return undefined;
  return `${subject.replace(/[?:.]+$/, '')} (${generic ? leaf.replace(/[?:.]+$/, '').toLowerCase() : leaf.replace(/[.:]+$/, '')})`;
}

/** How a passage is introduced: its document and section ("From the CSCP practitioner newsletter (spring 2025) — Effective support…"). */
export function passageLabel(chunk: Chunk, outdated: boolean): string {
  const leaf = sectionName(chunk.headingPath);
  const section = leaf && leaf.length <= 70 && leaf.toLowerCase() !== chunk.title.toLowerCase() ? ` — ${leaf.replace(/[:.]$/, '')}` : '';
  const year = chunk.published.slice(0, 4);
  const title = compactTitle(chunk.title);
  return outdated ? `From the ${title}${section}, published ${year} — may be out of date` : `From the ${title}${section}`;
}

export interface ComposeOptions {
  isOutdated(chunk: Chunk): boolean;
  budget?: number;
  /** The learned sentence model (models/units.json); without it sentences are ranked by the question's words they share. */
  unitModel?: LinearModelJson;
  /** Passages the previous answer quoted (a follow-up): when the best is one of them, the best new one is quoted too. */
  shown?: string[];
  /** Where in each passage earlier askers of similar questions found their answer (evidence for the sentence model). */
  hints?: Hints;
}

/**
 * Chooses the passages to quote (the best; a second and third when they are at least a quarter as likely to
 * answer), puts current ones before dated ones, and quotes each. Another paragraph of the section just quoted is
 * introduced as such rather than by the same label again.
 */
export function composeAnswer(q: Query, asked: Set<FactType>, ranked: RankedPassage[], index: LexicalIndex, opts: ComposeOptions): ComposedAnswer {
  if (!ranked.length) return { text: '', cited: [] };
  const names = termNames(index);
  const top = ranked[0];
  let picked: RankedPassage[] = [top];
  const section = (c: Chunk) => `${c.docId}›${c.headingPath.join('›')}`;
  for (const r of ranked.slice(1, 3)) {
    if (r.p < SECOND_SHARE * top.p || r.p < 0.1) continue;
    // At most two paragraphs of one section: a third adds no new source (same on the validation split).
    if (picked.filter((x) => section(x.chunk) === section(r.chunk)).length >= 2) continue;
    picked.push(r);
  }
  // A follow-up whose best passage is the one just quoted also gets the best passage it has not seen, in rank
  // order with the others picked (in place of the third). Others already shown stay: when the previous answer
  // quoted two passages, the second is often what the follow-up asks about. (Putting the unseen one second and
  // dropping every other shown one, as before: validation follow-ups right 161 of 227; without the unseen one,
  // passages in rank order alone: 165; this way 165, and 448 of 573 on the training split against 445.)
  const shown = opts.shown ?? [];
  let fresh: RankedPassage | undefined;
  if (shown.includes(top.chunk.id)) {
    fresh = ranked.slice(1, 5).find((r) => !shown.includes(r.chunk.id) && r.p >= 0.1);
    if (fresh && !picked.includes(fresh)) {
      // (still at most two paragraphs of one section: an unseen third one takes the place of the shown second)
      const freshSection = section(fresh.chunk);
      const same = (x: RankedPassage) => section(x.chunk) === freshSection;
      let keep = picked.slice(0, 2);
      if (keep.filter(same).length >= 2) keep = keep.filter((x, i) => i === 0 || !same(x));
      picked = [...keep, fresh].sort((a, b) => ranked.indexOf(a) - ranked.indexOf(b));
    }
  }
  // Current before dated: a dated source never leads when a current one among the picked speaks to it.
  picked.sort((a, b) => Number(opts.isOutdated(a.chunk)) - Number(opts.isOutdated(b.chunk)));
  const budget = opts.budget ?? ANSWER_BUDGET;
  const parts: string[] = [];
  const cited: RankedPassage[] = [];
  const seen = new Set<string>();
  let used = 0;
  for (const r of picked) {
    // When a second passage will be quoted, the first leaves it room; the passage a follow-up has not seen yet
    // gets room even after a long first one (a whole list), or the follow-up would only repeat the last answer.
    let room = cited.length === 0 ? (picked.length > 1 ? budget - SECOND_PASSAGE_ROOM : budget) : Math.min(budget - used, 320);
    if (r === fresh) room = Math.max(room, FRESH_PASSAGE_ROOM);
    // (no room left for this one: the unseen passage of a follow-up, if it comes later, still gets its room)
    if (room < 120) {
      if (fresh && picked.indexOf(fresh) > picked.indexOf(r)) continue;
      break;
    }
    const body = extract(r.chunk, q, asked, room, index, names, opts.unitModel, seen, opts.hints);
    if (!body) continue;
    for (const line of body.split('\n')) seen.add(normLine(line.replace(/^• /, '')));
    // Contact details from a dated source never lead an answer: say first that no current one is given.
    if (cited.length === 0 && opts.isOutdated(r.chunk)) {
      const held = factTypesHeld(body);
      if (held.has('phone') || held.has('email')) parts.push(DATED_CONTACT);
    }
    const before = cited[cited.length - 1]?.chunk;
    // (a passage with no heading, as in a newsletter, is not "the same section" as another: it gets its label)
    const sameSection = before && r.chunk.headingPath.length > 0 && section(before) === section(r.chunk);
    cited.push(r);
    used += body.length;
    parts.push(`${sameSection ? SAME_SECTION : passageLabel(r.chunk, opts.isOutdated(r.chunk))}:\n${body} [${cited.length}]`);
  }
  return { text: parts.join('\n\n'), cited };
}

const normLine = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

/** Citation details for a passage. */
export function toSource(chunk: Chunk, n: number, score: number, outdated: boolean): AnswerSource {
  const section = [chunk.headingPath.join(' › '), chunk.page ? `page ${chunk.page}` : ''].filter(Boolean).join(', ');
  return {
    n,
    title: chunk.title,
    section,
    published: chunk.published,
    url: chunk.url,
    text: chunk.text,
    score: Math.round(score * 1000) / 1000,
    chunkId: chunk.id,
    ...(chunk.page ? { page: chunk.page } : {}),
    outdated,
    ...(outdated ? { ageNotice: `published ${chunk.published.slice(0, 4)} — may be out of date` } : {}),
  };
}

export function isOutdated(c: Pick<Chunk, 'published'>, now: Date, maxAgeYears: number): boolean {
  const m = /^(\d{4})(?:-(\d{2}))?/.exec(c.published);
  if (!m || maxAgeYears <= 0) return false;
  const published = Date.UTC(Number(m[1]), m[2] ? Number(m[2]) - 1 : 0, 1);
  const limit = Date.UTC(now.getUTCFullYear() - maxAgeYears, now.getUTCMonth(), now.getUTCDate());
  return published < limit;
}
