import type { Block } from '../knowledge.types';
import { cleanInline, endsSentence, isLayoutNoise, normaliseRaw, splitMarkup } from './text-cleanup';

type Line =
  | { t: 'blank' }
  | { t: 'sep' }
  | { t: 'item'; text: string }
  | { t: 'row'; cells: string[] }
  | { t: 'text'; text: string; indented: boolean; setext?: boolean };

const CONTENTS_ENTRY = /\t\s*(?:\d+(?:\s*[-–]\s*\d+)?|page)\s*$/i;
const ITEM = /^\s*(?:[-*•●▪◦‣∙≤]|\d{1,2}[.)])\s+/;
const SEPARATOR = /^\s*(?:[=]{3,}|[-_*]{3,}|\|)\s*$|^\s*\|\s*$/;

function classify(raw: string): Line {
  if (raw.trim() === '') return { t: 'blank' };
  if (SEPARATOR.test(raw)) return { t: 'sep' };
  if (raw.includes('\t')) {
    const cells = raw.split('\t').map((c) => c.trim());
    const filled = cells.filter((c) => c !== '');
    if (filled.length >= 2) return { t: 'row', cells };
    if (filled.length === 1 && cells[0].trim() === '' && /<|•/.test(filled[0])) return { t: 'row', cells };
    raw = filled[0] ?? '';
    if (raw === '') return { t: 'blank' };
  }
  if (ITEM.test(raw)) return { t: 'item', text: raw.replace(ITEM, '') };
  return { t: 'text', text: raw.trim(), indented: /^\s/.test(raw) };
}

/** Finds a contents list (a "Contents" line followed by "entry<TAB>page" lines) and returns its line range and entries. */
function findContents(lines: string[]): { from: number; to: number; entries: Set<string> } | undefined {
  for (let i = 0; i < lines.length; i++) {
    let j = i;
    const isTitle = /^\s*(?:table of )?contents\s*$/i.test(lines[i]);
    if (isTitle) j = i + 1;
    const entries = new Set<string>();
    let k = j;
    for (; k < lines.length; k++) {
      const l = lines[k];
      if (l.trim() === '') continue;
      if (!CONTENTS_ENTRY.test(l)) break;
      const name = l.split('\t')[0].trim();
      if (name && !/^page$/i.test(name)) entries.add(normHeading(name));
    }
    if (entries.size >= (isTitle ? 2 : 4)) return { from: i, to: k, entries };
  }
  return undefined;
}

export function normHeading(s: string): string {
  return s
    .toLowerCase()
    .replace(/[’']/g, "'")
    .replace(/[^a-z0-9' ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function isHeadingShape(text: string): boolean {
  const t = text.trim();
  if (t.length < 2 || t.length > 90) return false;
  const words = t.split(/\s+/);
  if (words.length > 11) return false;
  if (/[.,;:]$/.test(t) || /:-$/.test(t)) return false;
  if (/https?:|www\.|@|\b\S+\.(?:com|org|uk)\b|\|/.test(t)) return false;
  if (!/^[A-Z“"‘']/.test(t) && !numberedDepth(t)) return false;
  if (/[%£$]/.test(t)) return false;
  if (/\b(?:that|and|or|of|the|to|with|for|in|is|are|a|an|by|as)$/i.test(t)) return false;
  if (/\.\s+[A-Z]/.test(t)) return false; // two sentences
  return true;
}

function numberedDepth(text: string): number {
  const m = /^(\d+(?:\.\d+)*)\.?\s+[A-Z]/.exec(text);
  if (!m) return 0;
  return m[1].split('.').length;
}

interface Pending {
  kind: 'candidate' | 'para' | 'item' | 'row' | 'break';
  text: string;
  afterSep: boolean;
  setext?: boolean;
}

/**
 * Parses plain text as converted from Word/PDF/web pages: finds headings in it (short title-like lines
 * with body after them, numbered headings, underlined headings, entries of the contents list), keeps
 * list items and table rows whole, skips the contents list and layout noise.
 */
export function parsePlainText(raw: string, page?: number): Block[] {
  const rawLines = normaliseRaw(raw).split('\n');
  const contents = findContents(rawLines);
  const lines: Line[] = [];
  rawLines.forEach((l, i) => {
    if (contents && i >= contents.from && i < contents.to) return;
    lines.push(classify(l));
  });
  // Underlined (setext) headings: "Title\n=====".
  for (let i = 0; i + 1 < lines.length; i++) {
    const a = lines[i];
    if (a.t === 'text' && lines[i + 1].t === 'sep' && /^\s*={3,}\s*$/.test(rawAt(rawLines, contents, i + 1))) a.setext = true;
  }

  const lineCounts = new Map<string, number>();
  for (const l of lines) if (l.t === 'text') lineCounts.set(normHeading(l.text), (lineCounts.get(normHeading(l.text)) ?? 0) + 1);

  // Pass 1: merge wrapped lines and page-break splits into logical elements.
  const elems: Pending[] = [];
  let prevBlank = true;
  let afterSep = true;
  let lastLine: Line | undefined;
  for (const line of lines) {
    if (line.t === 'blank') {
      prevBlank = true;
      continue;
    }
    if (line.t === 'sep') {
      if (!(lastLine?.t === 'text' && lastLine.setext)) elems.push({ kind: 'break', text: '', afterSep: true });
      afterSep = true;
      prevBlank = true;
      lastLine = line;
      continue;
    }
    const last = elems[elems.length - 1];
    if (line.t === 'text' && !line.setext && last && last.kind !== 'break' && last.kind !== 'row' && !endsSentence(last.text)) {
      const continues = (line.indented && !prevBlank) || (/^[a-z(]/.test(line.text) && last.text.length > 40);
      if (continues) {
        last.text = `${last.text} ${line.text.trim()}`;
        prevBlank = false;
        lastLine = line;
        continue;
      }
    }
    if (line.t === 'row') {
      elems.push({ kind: 'row', text: line.cells.join('\t'), afterSep });
    } else if (line.t === 'item') {
      elems.push({ kind: 'item', text: line.text, afterSep });
    } else {
      const prevText = [...elems].reverse().find((e) => e.kind !== 'break');
      const leadIn = prevText && !afterSep && !prevBlank && /:-?\s*$/.test(prevText.text) && prevText.kind !== 'candidate';
      const recurring = (lineCounts.get(normHeading(line.text)) ?? 0) > 1 || /\?$/.test(line.text);
      const contextOk =
        prevBlank || afterSep || !prevText || prevText.kind === 'candidate' || (endsSentence(prevText.text) && recurring);
      const shaped = line.setext || (isHeadingShape(line.text) && contextOk && !leadIn);
      elems.push({ kind: shaped ? 'candidate' : 'para', text: line.text, afterSep, setext: line.setext });
    }
    afterSep = false;
    prevBlank = false;
    lastLine = line;
  }

  // Pass 2: a candidate is a heading only when real body text follows it directly, or it heads
  // a sub-heading that has its own body (signature lines and captions are not headings).
  // rank 0: body follows directly; rank n: heads a chain of n sub-headings. Deeper chains are captions.
  const rank = new Array<number>(elems.length).fill(Infinity);
  for (let i = elems.length - 1; i >= 0; i--) {
    const e = elems[i];
    if (e.kind !== 'candidate') continue;
    if (isLayoutNoise(e.text)) {
      e.kind = 'para';
      continue;
    }
    for (let j = i + 1; j < elems.length; j++) {
      const n = elems[j];
      if (n.kind === 'break') break;
      if (n.kind === 'candidate') {
        rank[i] = rank[j] + 1;
        break;
      }
      if (n.kind === 'item' || n.kind === 'row' || endsSentence(n.text) || n.text.length >= 100) {
        rank[i] = 0;
        break;
      }
    }
    if (rank[i] > 2) e.kind = 'para';
  }

  return toBlocks(elems, contents?.entries, page);
}

function rawAt(rawLines: string[], contents: { from: number; to: number } | undefined, idx: number): string {
  // classify() skipped the contents range; map back to the raw index.
  if (!contents || idx < contents.from) return rawLines[idx] ?? '';
  return rawLines[idx + (contents.to - contents.from)] ?? '';
}

function toBlocks(elems: Pending[], contentsEntries: Set<string> | undefined, page?: number): Block[] {
  const headings = elems.filter((e) => e.kind === 'candidate');
  const counts = new Map<string, number>();
  for (const h of headings) counts.set(normHeading(h.text), (counts.get(normHeading(h.text)) ?? 0) + 1);
  const hasSeps = elems.some((e) => e.kind === 'break');

  const blocks: Block[] = [];
  let prevHeadingLevel = 0;
  let prevWasHeading = false;
  let tableHeader: string[] | undefined;
  for (const e of elems) {
    if (e.kind === 'break') {
      blocks.push({ kind: 'break', page });
      prevWasHeading = false;
      tableHeader = undefined;
      continue;
    }
    if (e.kind === 'candidate') {
      const text = cleanInline(e.text).replace(/[:]\s*$/, '');
      const key = normHeading(text);
      const repeated = (counts.get(key) ?? 0) > 1;
      const depth = numberedDepth(text);
      let level: number;
      if (depth) level = depth;
      else if (e.setext) level = 1;
      else if (contentsEntries && contentsEntries.size) level = inContents(contentsEntries, key) ? 1 : repeated ? 3 : 2;
      else if (hasSeps) level = e.afterSep ? 1 : repeated ? 3 : 2;
      else if (prevWasHeading) level = Math.min(prevHeadingLevel + 1, 4);
      else if (repeated) level = Math.min(Math.max(prevHeadingLevel, 1) + 1, 4);
      else level = 1;
      blocks.push({ kind: 'heading', level, text, page });
      prevHeadingLevel = level;
      prevWasHeading = true;
      tableHeader = undefined;
      continue;
    }
    prevWasHeading = false;
    if (e.kind === 'row') {
      const cells = e.text.split('\t');
      const filled = cells.filter((c) => c.trim() !== '');
      const plain = cells.map((c) => cleanInline(c.replace(/<[^>]+>/g, ' ')));
      const looksHeader =
        !tableHeader && filled.length >= 2 && plain.every((c) => c.length <= 45 && !/\d/.test(c)) && !/<p>|•/.test(e.text);
      if (looksHeader) {
        tableHeader = plain;
        continue;
      }
      blocks.push(...renderRow(cells, tableHeader, page));
      continue;
    }
    for (const piece of splitMarkup(e.text)) {
      blocks.push({ kind: e.kind === 'item' ? 'item' : piece.kind, text: piece.text, page });
    }
  }
  return blocks.filter((b) => b.kind !== 'para' || !isLayoutNoise(b.text));
}

/** A table row stays one passage line: "first cell. Header: value. Header: value." plus any list items inside cells. */
function renderRow(cells: string[], header: string[] | undefined, page?: number): Block[] {
  const parts: string[] = [];
  const extra: Block[] = [];
  cells.forEach((cell, i) => {
    const pieces = splitMarkup(cell);
    if (pieces.length === 0) return;
    const [first, ...rest] = pieces;
    const h = header?.[i];
    if (i === 0 || !h) parts.push(first.text);
    else parts.push(`${h}${/[?:]$/.test(h) ? '' : ':'} ${first.text}`);
    for (const r of rest) extra.push({ kind: r.kind, text: r.text, page });
  });
  if (parts.length === 0) return extra;
  let text: string;
  if (header) text = parts.map((p) => (endsSentence(p) ? p : `${p}.`)).join(' ');
  else if (parts.length === 2 && /^\d+[.)]?$/.test(parts[0])) text = `${parts[0].replace(/[.)]$/, '')}. ${parts[1]}`;
  else if (parts.length === 2) text = `${parts[0].replace(/:$/, '')}: ${parts[1]}`;
  else text = parts.join(' | ');
  return [{ kind: 'row', text, page }, ...extra];
}

function inContents(entries: Set<string>, key: string): boolean {
  if (entries.has(key)) return true;
  if (key.split(' ').length < 3) return false;
  for (const e of entries) if (e.endsWith(key)) return true;
  return false;
}
