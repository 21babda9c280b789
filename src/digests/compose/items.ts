import { isUsableUrl, linkKey, squash, type Block, type Line, type Link } from './blocks';
import { clamp, splitSentences } from './sentences';

export interface DigestLink {
  text: string;
  url: string;
}

/** One story of the newsletter as the digest card shows it. */
export interface DigestItem {
  /** The story's own title; empty for a story the newsletter gave no title (the card then shows its summary alone). */
  headline: string;
  /** The story's own first one or two sentences, without link-only text ("Read more: …"); may be empty. */
  summary: string;
  /** The story's links, each address once across the newsletter, at most LINKS_PER_ITEM. */
  links: DigestLink[];
}

export interface FoundItems {
  title?: string;
  intro?: string;
  items: DigestItem[];
}

export const HEADLINE_MAX = 120;
export const SUMMARY_MAX = 300;
export const LINKS_PER_ITEM = 3;

/** Levels for headings found from layout rather than markup: below every explicit heading. */
const GROUP_LEVEL = 7;
const TITLE_LEVEL = 8;

type Unit =
  | { k: 'heading'; level: number; line: Line; inferred?: boolean }
  | { k: 'text'; line: Line; paraStart: boolean }
  | { k: 'list'; items: Line[] }
  | { k: 'table'; rows: Line[][] }
  | { k: 'break' };

// ---------------------------------------------------------------------------------------------------------------
// What is not news: e-mail furniture and social-media lines (a category: newsletter boilerplate).

const FURNITURE =
  /\b(?:unsubscribe|manage (?:your )?(?:subscriptions?|preferences)|update (?:your )?(?:subscriptions?|preferences)|subscriber preferences|view (?:this|it|the) (?:e-?mail|newsletter|message)? ?(?:online|in (?:your|a|the) (?:web )?browser)|view (?:in|online in) (?:your|a) browser|having trouble (?:viewing|reading)|can'?t see (?:this|the) (?:e-?mail|images)|forward (?:this (?:e-?mail )?)?to a (?:friend|colleague)|you (?:are|were) (?:receiving|sent) this|this (?:e-?mail|message) was sent|you received this|all rights reserved|powered by|sent (?:by|using|via) (?:govdelivery|mailchimp|granicus)|add us to your address book)\b|©|^\s*copyright\b/i;
const SOCIAL_LINE = /^(?:x|twitter|facebook|instagram|linkedin|youtube|tiktok|threads|bluesky|website|web|follow us(?: on)?)\s*[:–-]/i;
const SOCIAL_HOST = /(?:^|\.)(?:facebook|twitter|x|instagram|linkedin|youtube|tiktok|threads|bsky)\.(?:com|net|app)$/i;
const FOOTER_HEADING = /^(?:follow us|connect with us|stay (?:connected|in touch)|social media|find us on|keep in touch)\b/i;

function isFurniture(l: Line): boolean {
  const t = l.text;
  if (t.length <= 200 && FURNITURE.test(t)) return true;
  if (t.length <= 120 && SOCIAL_LINE.test(t)) return true;
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

function isFurnitureLink(k: Link): boolean {
  return isSocial(k.url) || /unsubscribe|preferences|manage[-_]?subscription|view[-_]?(?:in[-_]?)?browser|forward[-_]?to[-_]?a[-_]?friend/i.test(k.url);
}

// ---------------------------------------------------------------------------------------------------------------
// Link-only text: calls to action and lines that are nothing but a link's words (a category: link text).

const CTA_START =
  /^(?:(?:please\s+)?(?:read|view|download|click|visit|find out|see|book|register|sign up|access|watch|listen|open|go to|follow (?:this|the) link)\b|for (?:more|further) (?:information|info|details)|more (?:information|info|details)|further (?:information|details))/i;
const FILLER =
  /\b(?:read|more|click|here|see|visit|view|download|book|your|place|places|now|find|out|further|information|info|details|for|please|the|a|an|our|full|this|link|links|at|via|on|website|web|page|pages|site|to|go|access|and|register|sign|up|online|available|is|are|can|be|found|you|copy|latest|new|report|guide|document|it|them|here's|in)\b/gi;

/** A sentence that is only there to carry a link ("Read more: …", "Festive arrangements" as a bare link line). */
function isLinkSentence(sentence: string, links: Link[]): boolean {
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

function isTitleShaped(l: Line): boolean {
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
const DATELINE =
  /^[\w ]{0,24}\b(?:edition|issue)\b[\w ,·|–—-]{0,24}$|^(?:(?:issue|edition|vol(?:ume)?|no\.?)\s*\d+[\s,·|–—-]*)?(?:(?:spring|summer|autumn|winter|january|february|march|april|may|june|july|august|september|october|november|december)\b[\s\w,·|–—-]*\d{4}|\d{1,2}\s+\w+\s+\d{4}|(?:spring|summer|autumn|winter)\s+(?:edition|issue|newsletter)(?:\s+\d{4})?|(?:issue|edition)\s*\d+(?:[\s,·|–—-]+\w+)*)$/i;

const NEWSLETTER_NAME = /\b(?:newsletter|bulletin|briefing|update|news|e-?news|digest|round-?up)\b/i;

// ---------------------------------------------------------------------------------------------------------------

const endsSentence = (s: string) => /[.!?:;"”’)]\s*$/.test(s);

/** Blocks → units: one per line, with wrapped lines joined and furniture dropped. */
function toUnits(blocks: Block[]): Unit[] {
  const units: Unit[] = [];
  let skipFooterSection = false;
  for (const b of blocks) {
    if (b.kind === 'heading') {
      skipFooterSection = FOOTER_HEADING.test(b.line.text);
      if (!skipFooterSection && !isFurniture(b.line)) units.push({ k: 'heading', level: b.level, line: b.line });
      continue;
    }
    if (b.kind === 'break') {
      units.push({ k: 'break' });
      continue;
    }
    if (skipFooterSection) continue;
    if (b.kind === 'list') {
      const items = b.items.filter((i) => !isFurniture(i));
      if (items.length) units.push({ k: 'list', items });
    } else if (b.kind === 'table') {
      const rows = b.rows.filter((r) => !r.every(isFurniture));
      if (rows.length) units.push({ k: 'table', rows });
    } else {
      let first = true;
      let prev: Line | undefined;
      for (const l of b.lines) {
        if (isFurniture(l)) continue;
        const last = units[units.length - 1];
        // A line broken inside a sentence (a <br> or a soft break where the text wrapped) joins the line above.
        const wrapped = prev && last?.k === 'text' && !endsSentence(prev.text) && !prev.strong && (/^[a-z(]/.test(l.text) || (prev.text.length >= 60 && !isTitleShaped(prev)));
        if (wrapped && last?.k === 'text') {
          last.line = { ...last.line, text: `${last.line.text} ${l.text}`, links: [...last.line.links, ...l.links], strong: last.line.strong && l.strong };
        } else units.push({ k: 'text', line: l, paraStart: first });
        first = false;
        prev = l;
      }
    }
  }
  return units;
}

/** Is unit i body text (what makes the line above it a title)? */
function isBody(u: Unit | undefined): boolean {
  if (!u) return false;
  if (u.k === 'list' || u.k === 'table') return true;
  return u.k === 'text' && (!isTitleShaped(u.line) || u.line.text.length > 100) && !u.line.strong;
}

/**
 * Finds titles a reader would see: a short, title-shaped line (or a bold one) directly above body text is a story
 * title; title-shaped lines stacked above that title ("TRAINING", then "Neglect course") are section labels.
 */
function inferHeadings(units: Unit[]): void {
  for (let i = 0; i < units.length; i++) {
    const u = units[i];
    if (u.k !== 'text' || !isTitleShaped(u.line)) continue;
    // Look down the run of title-shaped lines that starts here.
    let j = i;
    while (j + 1 < units.length && units[j + 1].k === 'text' && isTitleShaped((units[j + 1] as { line: Line }).line) && !isBody(units[j + 1])) j++;
    const next = units[j + 1];
    const bodyFollows = isBody(next) || (next?.k === 'heading' && j > i);
    if (!bodyFollows) {
      i = j;
      continue;
    }
    for (let k = i; k <= j; k++) {
      const line = (units[k] as { line: Line }).line;
      units[k] = { k: 'heading', level: k === j ? TITLE_LEVEL : GROUP_LEVEL, line, inferred: true };
    }
    i = j;
  }
}

function headingText(l: Line): string {
  return clamp(squash(l.text).replace(/[:–—-]\s*$/, ''), HEADLINE_MAX);
}

/** The newsletter's own name at the top, with the dateline under it ("CSCP Newsletter — Winter 2026"). */
function takeTitle(units: Unit[]): string | undefined {
  const firstIdx = units.findIndex((u) => u.k !== 'break');
  const first = units[firstIdx];
  if (!first) return undefined;
  const asLine = first.k === 'heading' || first.k === 'text' ? first.line : undefined;
  if (!asLine || !isTitleShaped({ ...asLine, strong: true })) return undefined;
  const headings = units.filter((u): u is Extract<Unit, { k: 'heading' }> => u.k === 'heading' && u !== first);
  const second = units[firstIdx + 1];
  const dateline = second && (second.k === 'heading' || second.k === 'text') && DATELINE.test(second.line.text.trim()) ? second : undefined;
  const others = headings.filter((h) => h !== dateline);
  const isTop =
    first.k === 'heading' &&
    others.length > 0 &&
    (others.every((h) => h.level > first.level) || (dateline !== undefined && !first.inferred) || (first.inferred && (dateline !== undefined || first.level === GROUP_LEVEL)));
  const named = NEWSLETTER_NAME.test(asLine.text) && (others.length > 0 || dateline !== undefined);
  if (!isTop && !named) return undefined;
  units.splice(firstIdx, dateline ? 2 : 1);
  return dateline ? `${headingText(asLine)} — ${squash(dateline.line.text)}` : headingText(asLine);
}

/** A body line; lists and tables are asides: they make a summary only after a sentence ending in a colon, or alone. */
type BodyLine = Line & { aside?: boolean };

interface Draft {
  headline: string;
  lines: BodyLine[];
  lists: Line[][];
  links: Link[];
}

/** The body text of a range of units (sub-headings give their links, not their words). */
function draftOf(headline: string, headLine: Line | undefined, body: Unit[]): Draft {
  const d: Draft = { headline, lines: [], lists: [], links: [...(headLine?.links ?? [])] };
  for (const u of body) {
    if (u.k === 'text') {
      d.lines.push(u.line);
      d.links.push(...u.line.links);
    } else if (u.k === 'list') {
      d.lines.push({ text: `${u.items.map((i) => i.text.replace(/[.;,]$/, '')).join('; ')}.`, links: u.items.flatMap((i) => i.links), aside: true });
      d.links.push(...u.items.flatMap((i) => i.links));
    } else if (u.k === 'table') {
      d.lines.push({ text: u.rows.map((r) => r.map((c) => c.text).join(', ')).join('; ').concat('.'), links: u.rows.flat().flatMap((c) => c.links), aside: true });
      d.links.push(...u.rows.flat().flatMap((c) => c.links));
    } else if (u.k === 'heading') d.links.push(...u.line.links);
  }
  return d;
}

/** The story's own first one or two sentences, without link-only sentences; never longer than SUMMARY_MAX. */
export function summarise(lines: BodyLine[], headline = ''): string {
  const sentences: string[] = [];
  const prose = lines.some((l) => !l.aside && splitSentences(l.text).some((s) => !isLinkSentence(s, l.links)));
  const enough = () => sentences.length >= 3 || (sentences.length === 2 && !/:\s*$/.test(sentences[1]));
  for (const l of lines) {
    const afterColon = sentences.length > 0 && /:\s*$/.test(sentences[sentences.length - 1]);
    if (l.aside && prose && !afterColon) continue;
    for (const s of l.aside ? [l.text] : splitSentences(l.text)) {
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

const GENERIC_LABEL = /^(?:here|click here|click|this link|link|read more|more|find out more|more info(?:rmation)?|read|view|download|online|website|this page|full story|continue reading|learn more|see more|details|info)$/i;

function label(k: Link): string {
  const t = squash(k.text).replace(/[:.]+$/, '');
  if (!t || /^(?:https?:\/\/|www\.)/i.test(t)) return shortLabel(k.url);
  if (GENERIC_LABEL.test(t)) return /^(?:here|click here|click|this link|link)$/i.test(t) ? 'Read more' : t.charAt(0).toUpperCase() + t.slice(1);
  return clamp(t, 80);
}

function shortLabel(url: string): string {
  try {
    const u = new URL(url);
    if (u.protocol === 'mailto:') return u.pathname;
    const s = `${u.host.replace(/^www\./i, '')}${u.pathname.replace(/\/+$/, '')}`;
    return s.length > 60 ? `${s.slice(0, 57)}…` : s;
  } catch {
    return url;
  }
}

function finish(d: Draft, used: Set<string>): DigestItem {
  const links: DigestLink[] = [];
  for (const k of d.links) {
    if (!isUsableUrl(k.url) || isFurnitureLink(k)) continue;
    const key = linkKey(k.url);
    if (used.has(key)) continue;
    used.add(key);
    if (links.length < LINKS_PER_ITEM) links.push({ text: label(k), url: k.url });
  }
  return { headline: d.headline, summary: summarise(d.lines, d.headline), links };
}

/** A section's own words, before its first sub-heading: enough to make it a story rather than a group label. */
function hasOwnBody(units: Unit[]): boolean {
  for (const u of units) {
    if (u.k === 'heading') return false;
    if (u.k === 'list' || u.k === 'table') return true;
    if (u.k === 'text' && !isLinkSentence(u.line.text, u.line.links) && u.line.text.length >= 40) return true;
  }
  return false;
}

/** Splits a range at its top-level headings; a heading with no words of its own before its sub-headings is a group. */
function sections(units: Unit[], out: Draft[]): Unit[] {
  const headings = units.filter((u): u is Extract<Unit, { k: 'heading' }> => u.k === 'heading');
  if (!headings.length) return units;
  const top = Math.min(...headings.map((h) => h.level));
  const starts = units.map((u, i) => (u.k === 'heading' && u.level === top ? i : -1)).filter((i) => i >= 0);
  const pre = units.slice(0, starts[0]);
  starts.forEach((s, n) => {
    const h = units[s] as Extract<Unit, { k: 'heading' }>;
    const body = units.slice(s + 1, starts[n + 1] ?? units.length);
    const hasSub = body.some((u) => u.k === 'heading');
    if (hasSub && !hasOwnBody(body)) {
      // A group ("Training", "Local news"): its sub-sections are the stories; words before them are lost only if
      // they were link lines, which the first story then carries.
      const before = out.length;
      const rest = sections(body, out);
      if (rest.length && out.length > before) out[before].links.unshift(...draftOf('', undefined, rest).links);
      if (out.length === before) out.push(draftOf(headingText(h.line), h.line, body));
    } else out.push(draftOf(headingText(h.line), h.line, body));
  });
  return pre;
}

/**
 * Without any titles, each paragraph is a story (with the lists, tables and link lines that follow it, and the
 * paragraph after one that ends in a colon); a bold lead-in ("**Neglect toolkit.** The new…") is its title.
 */
function paragraphs(units: Unit[]): { intro?: Unit[]; drafts: Draft[] } {
  const groups: Unit[][] = [];
  for (const u of units) {
    if (u.k === 'break' || u.k === 'heading') continue;
    const cur = groups[groups.length - 1];
    const last = cur?.[cur.length - 1];
    const attach =
      cur &&
      (u.k === 'list' ||
        u.k === 'table' ||
        (u.k === 'text' && (isLinkSentence(u.line.text, u.line.links) || (last?.k === 'text' && /:\s*$/.test(last.line.text)) || (last?.k === 'text' && last.line.text.length < 40 && !last.line.lead && !isLinkSentence(last.line.text, last.line.links)))));
    if (attach) cur.push(u);
    else groups.push([u]);
  }
  let intro: Unit[] | undefined;
  const first = groups[0]?.[0];
  if (groups.length > 1 && first?.k === 'text' && /^(?:dear|hello|hi|welcome|good (?:morning|afternoon))\b|^["“]?(?:hello|welcome)\b/i.test(first.line.text)) intro = groups.shift();
  const drafts = groups.map((g) => {
    const head = g[0];
    if (head.k === 'text' && head.line.lead && head.line.lead.length <= HEADLINE_MAX) {
      const rest = squash(head.line.text.slice(head.line.text.indexOf(head.line.lead) + head.line.lead.length)).replace(/^[\s.:–—-]+/, '');
      return draftOf(headingText({ ...head.line, text: head.line.lead }), undefined, [{ ...head, line: { ...head.line, text: rest } }, ...g.slice(1)]);
    }
    return draftOf('', undefined, g);
  });
  return { intro, drafts };
}

/** Blocks → the newsletter's title, its introduction and its stories, as a reader would find them. */
export function findItems(blocks: Block[]): FoundItems & { drafts: number } {
  const units = toUnits(blocks);
  inferHeadings(units);
  const title = takeTitle(units);
  const drafts: Draft[] = [];
  let introUnits: Unit[] | undefined;
  if (units.some((u) => u.k === 'heading')) {
    introUnits = sections(units, drafts);
    // Several paragraphs before the first title are untitled stories, not one long introduction.
    if (introUnits.filter((u) => u.k === 'text' && u.paraStart).length >= 3) {
      const p = paragraphs(introUnits);
      introUnits = p.intro;
      drafts.unshift(...p.drafts);
    }
  } else {
    const p = paragraphs(units);
    introUnits = p.intro;
    drafts.push(...p.drafts);
  }
  const used = new Set<string>();
  const introDraft = introUnits?.length ? draftOf('', undefined, introUnits) : undefined;
  const intro = introDraft ? summarise(introDraft.lines) || undefined : undefined;
  // The intro's links belong to the stories that follow, not to nobody: they are not marked used.
  const items = drafts.map((d) => finish(d, used)).filter((i) => i.headline || i.summary);
  return { title, intro, items, drafts: drafts.length };
}
