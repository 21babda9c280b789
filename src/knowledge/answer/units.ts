/**
 * A passage as the answer quotes it: its sentences and list items ("units"), with the lines a page layout broke
 * joined again, and how strongly each shares the question's words.
 */
import type { Chunk } from '../knowledge.types';
import { splitSentences } from '../chunker';
import type { Query } from '../search/query';
import { stemToken, tokenize } from '../understand/text';

export interface Unit {
  text: string;
  line: number;
  isItem: boolean;
  /** The unit ends with a colon or "including": it opens a list. */
  opensList: boolean;
  terms: Set<string>;
  score: number;
}

/** Words that only continue the sentence before ("This is the threshold document…"). */
export const CONTINUES = /^(?:this|these|that|those|it|its|they|their|them|he|she|his|her|the group|the board|the document|the panel|the subgroup|such|both|also|however|in addition|as a result|additionally)\b/i;

/**
 * The passage's lines, with lines that a page layout broke mid-sentence joined again ("…a median age of" +
 * "35"): a line that does not end a sentence or open a list runs on into a following line that is not a list
 * item.
 */
function logicalLines(text: string): string[] {
  const out: string[] = [];
  /** How many lines in a row, up to the last one read, were "label: value" rows. */
  let rows = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (!line.trim()) continue;
    const prev = out[out.length - 1];
    const isItem = ITEM.test(line);
    const row = ROW.test(line);
    // Two "label: value" rows in a row are a table, not a sentence broken by the page layout; nor does a
    // table's last row run on into the line after it.
    const inTable = rows > 0 && (row || rows >= 2);
    if (prev !== undefined && !isItem && !inTable && !/[.!?:;]["”’)]?$/.test(prev) && !BULLET.test(prev)) out[out.length - 1] = `${prev} ${line.trim()}`;
    else out.push(line);
    rows = row ? rows + 1 : 0;
  }
  return out;
}

/**
 * A sentence that only points at a link ("To find out more please click here.", "More information around this
 * can be found here."): a short sentence ending in "here" with a word of pointing or finding. The link itself is
 * not in the passage's text (conversion keeps link words, not addresses), so quoted it says nothing.
 */
export function linkOnly(sentence: string): boolean {
  const t = sentence.trim();
  if (!/\bhere[.!]?$/i.test(t) || t.split(/\s+/).length > 14) return false;
  return /\b(?:click|tap|found|find|available|see|visit|access|read|download|view|look|go|more|further)\b/i.test(t.replace(/\bhere[.!]?$/i, ''));
}

const BULLET = /^\s*(?:- |• )/;
const ITEM = /^\s*(?:- |• |\d+[.)] )/;
/** A line of a table set out as "label: value" ("Five to Thrive: 86", "Chair: …"): a short label, a short value, no sentence. */
const ROW = /^\s*[^\s:.!?][^:.!?]{1,90}:\s+[^\s.!?][^.!?]{0,60}$/;

export function unitsOf(chunk: Chunk): Unit[] {
  const units: Unit[] = [];
  const lines = logicalLines(chunk.text);
  lines.forEach((line, lineNo) => {
    // A table's rows are its items: each quoted on its own, the whole table when a list is asked for.
    const isItem = ITEM.test(line) || (ROW.test(line) && (ROW.test(lines[lineNo - 1] ?? '') || ROW.test(lines[lineNo + 1] ?? '')));
    const body = line.replace(BULLET, '');
    const pieces = isItem || body.length <= 280 ? [body] : splitSentences(body);
    for (const p of pieces) {
      const text = p.trim();
      if (!text) continue;
      units.push(unit(text, lineNo, isItem));
    }
  });
  return units;
}

function unit(text: string, line: number, isItem: boolean): Unit {
  return {
    text,
    line,
    isItem,
    opensList: /[:;]-?$/.test(text) || /\b(?:include|including|following|namely|are|were)\s*:?-?$/i.test(text),
    terms: new Set(tokenize(text).map(stemToken)),
    score: 0,
  };
}

/**
 * The units an answer may quote: without the sentences that only point at a link (a unit left empty goes). Not
 * applied in training: the sentence model learned with them among the sentences that do not answer, and on the
 * validation split leaving them out there too cost 2 of 367 facts.
 */
export function quotable(units: Unit[]): Unit[] {
  return units.flatMap((u) => {
    if (!/\bhere\b/i.test(u.text)) return [u];
    const sentences = splitSentences(u.text);
    if (!sentences.some(linkOnly)) return [u];
    const text = sentences.filter((x) => !linkOnly(x)).join(' ').trim();
    return text ? [unit(text, u.line, u.isItem)] : [];
  });
}

/** A question term's weight in a sentence's score: its rarity, times its weight in the query. */
export function queryWeight(t: Query['terms'][number], idf: (tid: number) => number): number {
  return t.weight * (t.tid !== undefined ? idf(t.tid) : 1);
}

/**
 * How strongly a unit shares the question's words (each weighted by rarity and by its weight in the query: a
 * follow-up's words from the previous question count less). `only` scores a subset of the terms.
 */
export function scoreUnit(u: Unit, q: Query, idf: (tid: number) => number, vocabTerm: (tid: number) => string, only?: (t: Query['terms'][number]) => boolean): number {
  let s = 0;
  for (const t of q.terms) {
    if (only && !only(t)) continue;
    let best = 0;
    if (u.terms.has(t.stem)) best = 1;
    for (const e of t.expansions) if (e.weight > best && e.tids.every((x) => u.terms.has(vocabTerm(x)))) best = e.weight;
    if (best > 0) s += best * queryWeight(t, idf);
  }
  return s;
}
