import { isUsableUrl, linkKey, squash, type Block, type Line, type Link } from './blocks';
import { DATELINE, FOOTER_HEADING, isFurniture, isFurnitureLink, isLinkSentence, isTitleShaped, NEWSLETTER_NAME } from './line-kinds';
import { clamp } from './sentences';
import { label, summarise, type BodyLine } from './summary';

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
