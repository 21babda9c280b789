import type { Block, Chunk, ParsedDocument } from './knowledge.types';

export interface ChunkOptions {
  /** A passage is closed once it reaches this size and the next piece would overflow `max`. */
  target: number;
  max: number;
  /** Passages smaller than this are merged into the previous passage of the same section. */
  min: number;
}

/** Roughly a paragraph or a few list items: big enough to quote, small enough to cite precisely. */
export const DEFAULT_CHUNK_OPTIONS: ChunkOptions = { target: 650, max: 1000, min: 140 };

/** Azure Table properties hold at most 64 KiB (32K UTF-16 chars); passages stay far below. */
export const MAX_CHUNK_CHARS = 8000;

export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?]["”’)]?)\s+(?=["“‘(]?[A-Z0-9])/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function renderLine(b: Block): string {
  if (b.kind === 'item') return `- ${b.text}`;
  if (b.kind === 'para' || b.kind === 'row') return b.text;
  return '';
}

/** Splits an over-long line into sentence groups of about `target` characters. */
function splitLong(line: string, opts: ChunkOptions): string[] {
  if (line.length <= opts.max) return [line];
  const out: string[] = [];
  let cur = '';
  for (const s of splitSentences(line)) {
    const pieces = s.length > opts.max ? s.match(new RegExp(`.{1,${opts.target}}(\\s|$)`, 'g')) ?? [s] : [s];
    for (const p of pieces) {
      if (cur && cur.length + p.length + 1 > opts.target) {
        out.push(cur.trim());
        cur = '';
      }
      cur += `${p} `;
    }
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/**
 * Cuts a parsed document into passages that follow its headings: each passage knows its heading path
 * and never mixes two sections. Lead-in lines ("… the following:") stay with their list items.
 */
export function chunkDocument(doc: ParsedDocument, opts: ChunkOptions = DEFAULT_CHUNK_OPTIONS): Chunk[] {
  const { meta } = doc;
  const chunks: Chunk[] = [];
  const stack: string[] = [];
  let lines: string[] = [];
  let len = 0;
  let page: number | undefined;
  let sectionStart = 0;

  const path = () => stack.filter(Boolean);
  const flush = (force = false) => {
    if (lines.length === 0) return;
    const text = lines.join('\n').slice(0, MAX_CHUNK_CHARS);
    const prev = chunks[chunks.length - 1];
    const samePath = prev && chunks.length > sectionStart && prev.headingPath.join('\u0000') === path().join('\u0000');
    if (!force && samePath && text.length < opts.min && prev.text.length + text.length < opts.max * 1.3) {
      prev.text = `${prev.text}\n${text}`;
    } else {
      chunks.push({
        id: `${meta.id}#${chunks.length}`,
        docId: meta.id,
        ordinal: chunks.length,
        headingPath: path(),
        page,
        text,
        title: meta.title,
        kind: meta.kind,
        published: meta.published,
        url: meta.url,
      });
    }
    lines = [];
    len = 0;
    page = undefined;
  };

  for (const b of doc.blocks) {
    if (b.kind === 'heading') {
      flush();
      sectionStart = chunks.length;
      const level = Math.max(1, Math.min(b.level, 6));
      stack.length = level - 1;
      stack[level - 1] = b.text;
      continue;
    }
    if (b.kind === 'break') {
      flush();
      sectionStart = chunks.length;
      continue;
    }
    for (const line of splitLong(renderLine(b), opts)) {
      if (!line) continue;
      const leadIn = b.kind === 'item' && listFollowsLeadIn(lines);
      const overflow = len + line.length + 1 > opts.max;
      const trailer = b.kind === 'para' && isTrailer(line) && len + line.length < opts.max * 1.3;
      if (lines.length && len >= opts.min && (overflow || len >= opts.target) && !(leadIn && len + line.length < opts.max * 1.6) && !trailer) {
        flush(true);
      }
      if (page === undefined) page = b.page;
      lines.push(line);
      len += line.length + 1;
    }
  }
  flush();
  return chunks;
}

/**
 * A short line that only points back at the item before it ("Read the full report – …", "We have produced a
 * One Minute Guide detailing the findings", "To gain access to this course please email: …"): newsletters
 * end each item with one, and on its own or at the head of the next item it would be cited for the wrong thing.
 */
function isTrailer(line: string): boolean {
  return line.length <= 200 && TRAILER.test(line);
}

const TRAILER =
  /^(?:(?:…|\.{3})\s*and (?:many )?more\b|(?:view|read|download|watch|listen to|see) (?:the |our |this )?(?:full|whole|complete|latest|report|review|guide|briefing)\b|click here\b|(?:for|find) (?:more|further) (?:information|details)\b|more information\b|to (?:gain access|access|book|register|sign up|find out more)\b|we have (?:also )?(?:produced|created|developed|published)\b|please (?:email|contact|see|visit)\b|.{0,80}\b(?:has|have) also (?:produced|published|created|developed)\b)/i;

/** True when the passage so far ends with "… the following:" and then only list items. */
function listFollowsLeadIn(lines: string[]): boolean {
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i].startsWith('- ')) continue;
    return /[:;]-?$/.test(lines[i]);
  }
  return false;
}
