/**
 * Clean-up of what document conversions leave behind: stray HTML tags, bullet glyphs,
 * markdown link syntax, odd whitespace. Shared by every format.
 */

const BULLET_GLYPHS = /[•●▪◦‣∙≤]/;

/** Normalises whitespace, quotes-agnostic; keeps tabs (tables) and newlines. */
export function normaliseRaw(raw: string): string {
  return raw
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00A0\u2007\u202F]/g, ' ')
    .replace(/[\u200B-\u200D\u2060]/g, '')
    .replace(/[ \f\v]+$/gm, '');
}

/** Inline clean-up of one line of text (no block splitting). */
export function cleanInline(s: string): string {
  return s
    .replace(/<\/?(?:u|b|i|em|strong|span|font|a|sup|sub)(?:\s[^>]*)?>/gi, '')
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/\[([^\]]+)\]\(#?\)/g, '$1')
    .replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '$1 ($2)')
    .replace(/<(https?:\/\/[^>\s]+)>/g, '$1')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/**
 * Splits a line that carries leftover HTML block markup (`<p>…</p> <ul> • a • b`) or glyph bullets
 * (`≤ a ≤ b`) into its paragraphs and list items.
 */
export function splitMarkup(line: string): { kind: 'para' | 'item'; text: string }[] {
  const hasMarkup = /<\/?(?:p|ul|ol|li|div)\b[^>]*>/i.test(line);
  const hasGlyphs = BULLET_GLYPHS.test(line);
  if (!hasMarkup && !hasGlyphs) {
    const text = cleanInline(line);
    return text ? [{ kind: 'para', text }] : [];
  }
  const out: { kind: 'para' | 'item'; text: string }[] = [];
  let inList = false;
  for (const tok of line.split(/(<\/?(?:p|div|ul|ol|li)\b[^>]*>)/i)) {
    if (/^<\/?(?:p|div|ul|ol|li)\b/i.test(tok)) {
      if (/^<(?:ul|ol)\b/i.test(tok)) inList = true;
      else if (/^<\/(?:ul|ol)\b/i.test(tok)) inList = false;
      continue;
    }
    tok.split(/\s*[•●▪◦‣∙≤]\s+|^\s*[•●▪◦‣∙≤]\s*/).forEach((b, bi) => {
      const text = cleanInline(b);
      if (text) out.push({ kind: inList || bi > 0 ? 'item' : 'para', text });
    });
  }
  return out;
}

/** True for lines that are leftovers of images or layout ("janet", "publichealth", "Twitter logo", "|"). */
export function isLayoutNoise(line: string): boolean {
  const t = line.trim();
  if (t === '') return false;
  if (/^[|=_\-–—*#~.\s]+$/.test(t)) return true;
  if (/^[a-z]{2,20}$/.test(t)) return true;
  if (/^[A-Z]{2,8}\)$/.test(t)) return true;
  if (/\blogo$/i.test(t) && t.split(/\s+/).length <= 3) return true;
  return false;
}

/** Ends like a sentence (or a quote closing a sentence). */
export function endsSentence(s: string): boolean {
  return /[.!?;:"”’)]\s*$/.test(s.trim());
}
