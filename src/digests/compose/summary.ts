import { shortUrl, squash, type Line, type Link } from './blocks';
import { isLinkSentence } from './line-kinds';
import { clamp, splitSentences } from './sentences';

export const SUMMARY_MAX = 300;

/** A body line; lists and tables are asides: they make a summary only after a sentence ending in a colon, or alone. */
export type BodyLine = Line & { aside?: boolean };

/** The story's own first one or two sentences, without link-only sentences; never longer than SUMMARY_MAX. */
export function summarise(lines: BodyLine[], headline = ''): string {
  const sentences: string[] = [];
  // A summary comes from a story's opening: looking at its first sentences is enough (and keeps a huge story cheap).
  const OPENING = 30;
  const prose = lines.some((l) => !l.aside && splitSentences(l.text).slice(0, OPENING).some((s) => !isLinkSentence(s, l.links)));
  const enough = () => sentences.length >= 3 || (sentences.length === 2 && !/:\s*$/.test(sentences[1]));
  let looked = 0;
  for (const l of lines) {
    if (++looked > OPENING) break;
    const afterColon = sentences.length > 0 && /:\s*$/.test(sentences[sentences.length - 1]);
    if (l.aside && prose && !afterColon) continue;
    for (const s of l.aside ? [l.text] : splitSentences(l.text).slice(0, OPENING)) {
      if (isLinkSentence(s, l.links)) continue;
      if (headline && squash(s).replace(/[.:!?]$/, '').toLowerCase() === headline.toLowerCase()) continue;
      sentences.push(s);
      if (enough()) break;
    }
    if (enough()) break;
  }
  if (!sentences.length) return '';
  // The first sentence; the second when the first is short; what follows a colon ("Topics include:") with it.
  let out = sentences[0];
  let used = 1;
  if (sentences[1] && (/:\s*$/.test(out) || (out.length < 140 && out.length + sentences[1].length < SUMMARY_MAX))) {
    out = `${out} ${sentences[1]}`;
    used = 2;
  }
  if (used === 2 && /:\s*$/.test(sentences[1]) && sentences[2]) out = `${out} ${sentences[2]}`;
  return clamp(out, SUMMARY_MAX);
}

/** Link words that name nothing (a category: generic link text). */
const GENERIC_LABEL = /^(?:here|click here|click|this link|link|read more|more|find out more|more info(?:rmation)?|read|view|download|online|website|this page|full story|continue reading|learn more|see more|details|info)$/i;

/** A link's name on the card: its own words; "Read more" for "click here"; the short address when it has no words. */
export function label(k: Link): string {
  const t = squash(k.text).replace(/[:.]+$/, '');
  if (!t || /^(?:https?:\/\/|www\.)/i.test(t)) return shortUrl(k.url);
  if (GENERIC_LABEL.test(t)) return /^(?:here|click here|click|this link|link)$/i.test(t) ? 'Read more' : t.charAt(0).toUpperCase() + t.slice(1);
  return clamp(t, 80);
}
