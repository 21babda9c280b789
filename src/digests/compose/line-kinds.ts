import type { Line, Link } from './blocks';

/*
 * What kind of line a newsletter line is, by categories a reader knows: e-mail furniture (not news), link-only
 * text (calls to action, a link's own words), title shape, and the dateline under a newsletter's name.
 */

// What is not news: e-mail furniture and social-media lines (a category: newsletter boilerplate).

const FURNITURE =
  /\b(?:unsubscribe|manage (?:your )?(?:subscriptions?|preferences)|update (?:your )?(?:subscriptions?|preferences)|subscriber preferences|view (?:this|it|the) (?:e-?mail|newsletter|message)? ?(?:online|in (?:your|a|the) (?:web )?browser)|view (?:in|online in) (?:your|a) browser|having trouble (?:viewing|reading)|can'?t see (?:this|the) (?:e-?mail|images)|forward (?:this (?:e-?mail )?)?to a (?:friend|colleague)|you (?:are|were) (?:receiving|sent) this|this (?:e-?mail|message) was sent|you received this|all rights reserved|powered by|sent (?:by|using|via) (?:govdelivery|mailchimp|granicus)|add us to your address book)\b|©|^\s*copyright\b/i;
const SOCIAL_LINE = /^(?:x|twitter|facebook|instagram|linkedin|youtube|tiktok|threads|bluesky|website|web|follow us(?: on)?)\s*[:–-]/i;
const SOCIAL_HOST = /(?:^|\.)(?:facebook|twitter|x|instagram|linkedin|youtube|tiktok|threads|bsky)\.(?:com|net|app)$/i;
export const FOOTER_HEADING = /^(?:follow us|connect with us|stay (?:connected|in touch)|social media|find us on|keep in touch)\b/i;

/** E-mail furniture or a social-media line: never news. */
export function isFurniture(l: Line): boolean {
  const t = l.text;
  if (t.length <= 200 && FURNITURE.test(t)) return true;
  if (t.length <= 120 && SOCIAL_LINE.test(t)) return true;
  // A logo's caption left behind by a copied page ("Twitter logo", "CSCP logo") (a category: image captions).
  if (t.length <= 40 && /^[\w\s&'’-]{0,30}\b(?:logo|icon)$/i.test(t)) return true;
  // A line that only lists social networks ("Facebook | X | Instagram").
  return l.links.length > 0 && l.links.every((k) => isSocial(k.url)) && t.length <= 80;
}

function isSocial(url: string): boolean {
  try {
    return SOCIAL_HOST.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** A social, unsubscribe or "view in browser" address: never one of a story's links. */
export function isFurnitureLink(k: Link): boolean {
  return isSocial(k.url) || /unsubscribe|preferences|manage[-_]?subscription|view[-_]?(?:in[-_]?)?browser|forward[-_]?to[-_]?a[-_]?friend/i.test(k.url);
}

// ---------------------------------------------------------------------------------------------------------------
// Link-only text: calls to action and lines that are nothing but a link's words (a category: link text).

const CTA_START =
  /^(?:(?:please\s+)?(?:read|view|download|click|visit|find out|see|book|register|sign up|access|watch|listen|open|go to|follow (?:this|the) link)\b|for (?:more|further) (?:information|info|details)|more (?:information|info|details)|further (?:information|details))/i;
const FILLER =
  /\b(?:read|more|click|here|see|visit|view|download|book|your|place|places|now|find|out|further|information|info|details|for|please|the|a|an|our|full|this|link|links|at|via|on|website|web|page|pages|site|to|go|access|and|register|sign|up|online|available|is|are|can|be|found|you|copy|latest|new|report|guide|document|it|them|here's|in)\b/gi;

/** A sentence that is only there to carry a link ("Read more: …", "Festive arrangements" as a bare link line). */
export function isLinkSentence(sentence: string, links: Link[]): boolean {
  if (sentence.length > 600) return false; // a call to action is short; this also keeps long lines cheap
  let rest = sentence;
  for (const k of links) if (k.text.length >= 3) rest = rest.split(k.text).join(' ');
  const letters = (s: string) => s.replace(/[^A-Za-z]/g, '').length;
  if (letters(sentence) === 0) return true;
  // Most of the words are a link's words.
  if (letters(rest) / letters(sentence) < 0.3) return true;
  const words = sentence.split(/\s+/).length;
  if (CTA_START.test(sentence) && (words <= 14 || /:\s*$/.test(sentence) || rest !== sentence)) return true;
  return letters(rest.replace(FILLER, '')) === 0 && rest !== sentence;
}

// ---------------------------------------------------------------------------------------------------------------
// Title shape: what a reader takes for a title when it stands above body text.

const LABEL_LINE = /^(?:date|dates|time|times|when|where|venue|location|cost|price|email|e-mail|tel|telephone|phone|mobile|contact|website|web|address|book(?:ing)?|register|read more|more info(?:rmation)?|link|url|deadline|audience|who|duration|format|trainer|facilitator|ref|reference)\s*[:–-]/i;
const GREETING = /^(?:dear|hello|hi|good (?:morning|afternoon)|greetings)\b/i;

/** Short, capitalised, not a sentence, not a label or a greeting: a title if body text follows it. */
export function isTitleShaped(l: Line): boolean {
  const t = l.text.trim();
  if (t.length < 3 || t.length > 100) return false;
  if (t.split(/\s+/).length > 14) return false;
  if (/[.,;:!]$/.test(t) && !/\.\.\.$|…$/.test(t)) return false;
  if (/^please\b/i.test(t)) return false;
  if (!/^[A-Z0-9“"‘'£(]/.test(t)) return false;
  if (LABEL_LINE.test(t) || GREETING.test(t) || /https?:|www\.|@/.test(t)) return false;
  if (/[.!?]\s+[A-Z]/.test(t)) return false; // two sentences
  if (/\b(?:and|or|of|the|to|with|for|in|a|an|by|as|at|that|on)$/i.test(t)) return false; // a wrapped line, cut mid-phrase
  // A line that is nothing but a link is a link, unless it is set as a title (bold or large).
  const linked = l.links.reduce((n, k) => n + (t.includes(k.text) ? k.text.length : 0), 0);
  if (!l.strong && linked >= t.length * 0.8) return false;
  return true;
}

/** "Winter 2026", "Issue 12 · November 2026", "Autumn edition": the line under a newsletter's name. */
export const DATELINE =
  /^[\w ]{0,24}\b(?:edition|issue)\b[\w ,·|–—-]{0,24}$|^(?:(?:issue|edition|vol(?:ume)?|no\.?)\s*\d+[\s,·|–—-]*)?(?:(?:spring|summer|autumn|winter|january|february|march|april|may|june|july|august|september|october|november|december)\b[\s\w,·|–—-]*\d{4}|\d{1,2}\s+\w+\s+\d{4}|(?:spring|summer|autumn|winter)\s+(?:edition|issue|newsletter)(?:\s+\d{4})?|(?:issue|edition)\s*\d+(?:[\s,·|–—-]+\w+)*)$/i;

export const NEWSLETTER_NAME = /\b(?:newsletter|bulletin|briefing|update|news|e-?news|digest|round-?up)\b/i;
