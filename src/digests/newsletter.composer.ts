import { marked, type Token, type Tokens } from 'marked';
import { UserInputError } from '../errors';
import { htmlToMarkdown } from './html-to-markdown';

export interface DigestLink {
  text: string;
  url: string;
}

/** One story of the newsletter as the digest card shows it. */
export interface DigestItem {
  headline: string;
  /** One or two sentences taken from the item's own text (may be empty for a heading-only item). */
  summary: string;
  links: DigestLink[];
}

export interface ComposedNewsletter {
  /** The newsletter's own title when it starts with a single top-level heading. */
  title?: string;
  intro?: string;
  items: DigestItem[];
  /** Items found before the MAX_STORED_ITEMS cap. */
  totalItems: number;
  /** The cleaned markdown (what is stored and ingested into the guidance index). */
  markdown: string;
  format: 'markdown' | 'html';
}

export const MAX_INPUT_CHARS = 2_000_000;
export const MAX_MARKDOWN_CHARS = 300_000;
/** Items kept on the record; the card shows fewer (see cards/digest.card.ts) and links to the rest. */
export const MAX_STORED_ITEMS = 40;
const HEADLINE_MAX = 120;
const SUMMARY_MAX = 300;
const LINKS_PER_ITEM = 3;

type Block =
  | { kind: 'heading'; depth: number; text: string; links: DigestLink[] }
  | { kind: 'text'; text: string; links: DigestLink[]; lead?: string }
  | { kind: 'break' };

/**
 * Splits a newsletter (markdown or HTML) into digest items: by heading when it has headings (or bold
 * lines standing in for them), otherwise one item per paragraph or list. Throws UserInputError for
 * empty, oversized or unreadable input.
 */
export function composeNewsletter(input: string, format: 'markdown' | 'html' | 'auto' = 'auto'): ComposedNewsletter {
  if (typeof input !== 'string' || input.trim() === '') throw new UserInputError('The newsletter is empty: paste its text or attach the file.', { content: 'required' });
  if (input.length > MAX_INPUT_CHARS) {
    throw new UserInputError(`The newsletter is too large (${Math.round(input.length / 1000)} KB; the limit is ${MAX_INPUT_CHARS / 1_000_000} MB). Link to it instead, or paste a shorter version.`, { content: 'too large' });
  }
  const isHtml = format === 'html' || (format === 'auto' && looksLikeHtml(input));
  const markdown = tidy(isHtml ? htmlToMarkdown(input) : stripRawHtml(input));
  if (markdown.length > MAX_MARKDOWN_CHARS) {
    throw new UserInputError(`The newsletter text is too long (${markdown.length.toLocaleString('en-GB')} characters; the limit is ${MAX_MARKDOWN_CHARS.toLocaleString('en-GB')}).`, { content: 'too large' });
  }
  const blocks = toBlocks(marked.lexer(markdown, { gfm: true }));
  if (!blocks.some((b) => b.kind !== 'break' && b.text.trim() !== '')) {
    throw new UserInputError(
      isHtml ? 'I could not find any readable text in that HTML (only markup, scripts or styles?).' : 'I could not find any readable text in the newsletter.',
      { content: 'no readable text' },
    );
  }

  let title: string | undefined;
  const headings = blocks.filter((b): b is Extract<Block, { kind: 'heading' }> => b.kind === 'heading');
  const h1s = headings.filter((h) => h.depth === 1);
  if (h1s.length === 1 && firstContent(blocks) === h1s[0] && headings.length > 1) {
    title = h1s[0].text;
    blocks.splice(blocks.indexOf(h1s[0]), 1);
  }
  const remaining = blocks.filter((b): b is Extract<Block, { kind: 'heading' }> => b.kind === 'heading');
  const itemDepth = remaining.length ? Math.min(...remaining.map((h) => h.depth)) : undefined;
  const { intro, items } = itemDepth !== undefined ? bySection(blocks, itemDepth) : byBlock(blocks);
  if (!items.length) throw new UserInputError('I could not find any news items in the newsletter.', { content: 'no items' });
  return { title, intro, items: items.slice(0, MAX_STORED_ITEMS), totalItems: items.length, markdown, format: isHtml ? 'html' : 'markdown' };
}

function looksLikeHtml(s: string): boolean {
  return /<(!doctype|html|body|p|div|h[1-6]|ul|ol|table|br|span|a|section|article)\b/i.test(s.slice(0, 20_000));
}

/** Raw HTML inside markdown (scripts, comments, embeds) never reaches a card. */
function stripRawHtml(md: string): string {
  return md.replace(/<(script|style|iframe|object|noscript|template)\b[\s\S]*?(<\/\1\s*>|$)/gi, '').replace(/<!--[\s\S]*?-->/g, '');
}

function tidy(md: string): string {
  let out = md.replace(/\r\n?/g, '\n');
  // Plain text pasted from an e-mail has one line per paragraph and no blank lines between them.
  if (!/\n[ \t]*\n/.test(out.trim()) && out.split('\n').length > 2) out = out.replace(/\n/g, '\n\n');
  out = out.replace(/^[ \t]*\|[ \t]*$/gm, ''); // table debris from copied layouts
  return out.replace(/\n{3,}/g, '\n\n').trim();
}

function firstContent(blocks: Block[]): Block | undefined {
  return blocks.find((b) => b.kind !== 'break');
}

function bySection(blocks: Block[], depth: number): { intro?: string; items: DigestItem[] } {
  const items: DigestItem[] = [];
  let introText = '';
  let current: { headline: string; text: string[]; links: DigestLink[] } | undefined;
  const flush = () => {
    if (current) items.push(makeItem(current.headline, current.text.join(' '), current.links));
  };
  for (const b of blocks) {
    if (b.kind === 'break') continue;
    if (b.kind === 'heading' && b.depth <= depth) {
      flush();
      current = { headline: b.text, text: [], links: [...b.links] };
      continue;
    }
    if (b.kind === 'heading') {
      current?.links.push(...b.links);
      continue; // sub-headings structure the text but make poor summary sentences
    }
    if (current) {
      current.text.push(b.text);
      current.links.push(...b.links);
    } else introText += ` ${b.text}`;
  }
  flush();
  return { intro: introText.trim() ? summarise(introText) : undefined, items: items.filter((i) => i.headline) };
}

function byBlock(blocks: Block[]): { intro?: string; items: DigestItem[] } {
  const items: DigestItem[] = [];
  let pending: { text: string; links: DigestLink[]; lead?: string } | undefined;
  const flush = () => {
    if (!pending) return;
    const { text, links, lead } = pending;
    pending = undefined;
    if (lead) {
      items.push(makeItem(lead, text, links));
      return;
    }
    const sentences = splitSentences(text);
    const first = sentences[0] ?? text;
    if (first.length <= HEADLINE_MAX && sentences.length > 1) items.push(makeItem(first.replace(/[.:]$/, ''), sentences.slice(1).join(' '), links));
    else items.push(makeItem(first, text, links));
  };
  for (const b of blocks) {
    if (b.kind === 'break') {
      flush();
      continue;
    }
    if (b.kind === 'heading') continue; // unreachable in block mode; kept for exhaustiveness
    // Very short blocks ("Dear colleagues,") join the next one instead of becoming items.
    if (pending && !pending.lead && pending.text.length < 40) {
      pending = { text: `${pending.text} ${b.text}`.trim(), links: [...pending.links, ...b.links], lead: b.lead };
      continue;
    }
    flush();
    pending = { text: b.text, links: [...b.links], lead: b.lead };
  }
  flush();
  return { items: items.filter((i) => i.headline) };
}

function makeItem(headline: string, text: string, links: DigestLink[]): DigestItem {
  const seen = new Set<string>();
  const kept = links.filter((l) => !seen.has(l.url) && seen.add(l.url)).slice(0, LINKS_PER_ITEM);
  const h = clamp(headline.replace(/\s+/g, ' ').trim(), HEADLINE_MAX);
  let summary = summarise(text);
  if (summary === h) summary = '';
  return { headline: h, summary, links: kept };
}

/** The first sentence, plus the second when the first is short; never more than SUMMARY_MAX characters. */
export function summarise(text: string): string {
  const sentences = splitSentences(text);
  if (!sentences.length) return '';
  let out = sentences[0];
  if (out.length < 140 && sentences[1]) out = `${out} ${sentences[1]}`;
  return clamp(out, SUMMARY_MAX);
}

export function splitSentences(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .split(/(?<=[.!?])\s+(?=["'“‘(\[]?[A-Z0-9])/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function clamp(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}

function toBlocks(tokens: Token[]): Block[] {
  const out: Block[] = [];
  for (const t of tokens) {
    switch (t.type) {
      case 'heading': {
        const h = t as Tokens.Heading;
        const { text, links } = inline(h.tokens);
        if (text.trim()) out.push({ kind: 'heading', depth: h.depth, text: text.trim(), links });
        break;
      }
      case 'paragraph': {
        const p = t as Tokens.Paragraph;
        const { text, links } = inline(p.tokens);
        if (!text.trim()) break;
        const only = p.tokens.filter((x) => !(x.type === 'text' && !(x as Tokens.Text).text.trim()));
        const boldLine = only.length === 1 && only[0].type === 'strong' && text.length <= HEADLINE_MAX;
        // A paragraph that is only bold text stands in for a heading (common in e-mailed newsletters).
        if (boldLine) out.push({ kind: 'heading', depth: 7, text: text.trim().replace(/:$/, ''), links });
        else {
          const lead = only[0]?.type === 'strong' ? inline((only[0] as Tokens.Strong).tokens).text.trim().replace(/[.:]$/, '') : undefined;
          const body = lead ? text.trim().slice(inline((only[0] as Tokens.Strong).tokens).text.trim().length).replace(/^[\s.:–-]+/, '') : text.trim();
          out.push({ kind: 'text', text: body || text.trim(), links, lead: lead && body ? lead : undefined });
        }
        break;
      }
      case 'list': {
        const l = t as Tokens.List;
        const parts = l.items.map((i) => inline(i.tokens.flatMap((x) => ('tokens' in x && x.tokens ? (x.tokens as Token[]) : [x]))));
        const text = parts.map((p) => p.text.trim().replace(/[.;]$/, '')).filter(Boolean).join('; ');
        if (text) out.push({ kind: 'text', text: `${text}.`, links: parts.flatMap((p) => p.links) });
        break;
      }
      case 'blockquote':
        out.push(...toBlocks((t as Tokens.Blockquote).tokens));
        break;
      case 'table': {
        const tb = t as Tokens.Table;
        const rows = tb.rows.map((r) => r.map((c) => inline(c.tokens).text.trim()).filter(Boolean).join(', '));
        const links = tb.rows.flatMap((r) => r.flatMap((c) => inline(c.tokens).links));
        if (rows.length) out.push({ kind: 'text', text: rows.join('. '), links });
        break;
      }
      case 'hr':
        out.push({ kind: 'break' });
        break;
      default:
        break; // html, code, space: nothing a reader of the digest needs
    }
  }
  return out;
}

function inline(tokens: Token[] | undefined): { text: string; links: DigestLink[] } {
  const links: DigestLink[] = [];
  const walk = (ts: Token[] | undefined): string =>
    (ts ?? [])
      .map((t) => {
        switch (t.type) {
          case 'link': {
            const l = t as Tokens.Link;
            const text = walk(l.tokens);
            if (/^(https?:|mailto:)/i.test(l.href)) links.push({ text: text.trim() || l.href, url: l.href });
            return text;
          }
          case 'image':
          case 'html':
            return '';
          case 'br':
            return ' ';
          case 'text':
            return (t as Tokens.Text).tokens ? walk((t as Tokens.Text).tokens) : decode((t as Tokens.Text).text);
          case 'escape':
          case 'codespan':
            return decode((t as Tokens.Codespan).text);
          default:
            return 'tokens' in t && Array.isArray(t.tokens) ? walk(t.tokens as Token[]) : decode(String((t as { text?: string }).text ?? ''));
        }
      })
      .join('');
  const text = walk(tokens).replace(/\s+/g, ' ');
  return { text, links };
}

function decode(s: string): string {
  return s.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
}
