/**
 * Text normalisation and tokenising for everything that reads a person's message. Every step is a single
 * linear pass with bounded look-ahead, so 100 KB of any text (a pasted document, 100 KB of "<", one
 * 600-letter word) costs milliseconds and never stalls the process.
 */
import { stem } from '../search/analyzer';

/** The most of a message that is read at all (Teams caps a message at about 28 KB of text). */
export const MAX_MESSAGE_CHARS = 120_000;
/** A "word" longer than this is not a word (a URL, base64, a held key): it becomes one placeholder token. */
export const MAX_WORD_CHARS = 30;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

const [LT, GT, AMP, SEMI, CLOSE_BRACKET, OPEN_PAREN, CLOSE_PAREN, SPACE] = [...'<>&;]() '].map((c) => c.charCodeAt(0));

/**
 * Removes markup a person might paste (HTML tags, markdown links and emphasis, card JSON keys) and folds
 * typographic quotes, in linear time: a tag is a `<` followed within 300 characters by a `>` with no other
 * `<` between (so a run of "<" is scanned once, not once per "<").
 */
export function stripMarkup(raw: string): string {
  const text = raw.length > MAX_MESSAGE_CHARS ? raw.slice(0, MAX_MESSAGE_CHARS) : raw;
  const out: string[] = [];
  let i = 0;
  // Plain characters are copied a run at a time, from `run` up to the next markup (one string per character
  // made 100 KB of prose take 25 ms here).
  let run = 0;
  let skipUntilClose = '';
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (ch === LT) {
      let j = i + 1;
      const end = Math.min(text.length, i + 300);
      while (j < end && text.charCodeAt(j) !== GT && text.charCodeAt(j) !== LT) j++;
      if (j < end && text.charCodeAt(j) === GT) {
        // (what came before the tag is kept, unless it was inside a script or style element)
        if (!skipUntilClose) out.push(text.slice(run, i));
        const tag = text.slice(i + 1, j).trim().toLowerCase();
        if (skipUntilClose) {
          if (tag.startsWith(`/${skipUntilClose}`)) skipUntilClose = '';
        } else if (/^(?:script|style)\b/.test(tag)) skipUntilClose = tag.startsWith('script') ? 'script' : 'style';
        out.push(' ');
        i = run = j + 1;
        continue;
      }
    }
    if (skipUntilClose) {
      i++;
      continue;
    }
    if (ch === AMP) {
      let semi = i + 1;
      while (semi < text.length && semi - i <= 6 && text.charCodeAt(semi) !== SEMI) semi++;
      if (text.charCodeAt(semi) === SEMI) {
        const rep = ENTITIES[text.slice(i + 1, semi).toLowerCase()];
        if (rep !== undefined) {
          out.push(text.slice(run, i), rep);
          i = run = semi + 1;
          continue;
        }
      }
    }
    // Markdown link or image: keep the link text, drop the target.
    if (ch === CLOSE_BRACKET && text.charCodeAt(i + 1) === OPEN_PAREN) {
      let j = i + 2;
      const end = Math.min(text.length, i + 500);
      while (j < end && text.charCodeAt(j) !== CLOSE_PAREN && text.charCodeAt(j) !== OPEN_PAREN && text.charCodeAt(j) !== SPACE) j++;
      if (j < end && text.charCodeAt(j) === CLOSE_PAREN) {
        out.push(text.slice(run, i), ' ');
        i = run = j + 1;
        continue;
      }
    }
    i++;
  }
  if (!skipUntilClose) out.push(text.slice(run));
  return out
    .join('')
    .replace(/[’‘`´]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[*_#>~|{}[\]\\]+/g, ' ')
    .replace(/"\s*(?:type|version|body|actions|\$schema|text|url)\s*"\s*:/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Lower-case word tokens with apostrophes folded ("hasn't" → "hasnt"); over-long ones become "<long>". */
export function tokenize(text: string): string[] {
  const lower = text.toLowerCase();
  const out: string[] = [];
  const re = /[a-z0-9]+(?:'[a-z]+)*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(lower)) !== null) {
    const w = m[0];
    out.push(w.length > MAX_WORD_CHARS ? '<long>' : w.replace(/'/g, ''));
  }
  return out;
}

/** Stem of a token; numbers and placeholders stay as they are, and the stemmer only ever sees short words. */
export function stemToken(t: string): string {
  if (t === '<long>' || /^\d/.test(t)) return t;
  return stem(t);
}

/**
 * Sentences of a message, by end punctuation or line breaks, each at most `maxWords` words (longer
 * runs are cut), so windows over a long message stay bounded.
 */
export function sentences(text: string, maxWords = 60): string[] {
  const parts = text.split(/(?<=[.!?])\s+|\n+/);
  const out: string[] = [];
  for (const p of parts) {
    const s = p.trim();
    if (!s) continue;
    const ws = s.split(/\s+/);
    for (let i = 0; i < ws.length; i += maxWords) out.push(ws.slice(i, i + maxWords).join(' '));
  }
  return out;
}
