import { UserInputError } from '../errors';
import { blocksToMarkdown, type Block } from './compose/blocks';
import { readHtml } from './compose/html.reader';
import { findItems, type DigestItem, type DigestLink } from './compose/items';
import { readMarkdown } from './compose/markdown.reader';
import { readPlainText } from './compose/text.reader';

export type { DigestItem, DigestLink };

/** What the admin pasted or attached: 'auto' tells HTML, markdown and plain text apart by their marks. */
export type NewsletterFormat = 'auto' | 'text' | 'markdown' | 'html';

export interface ComposedNewsletter {
  /** The newsletter's own name (with its dateline) when it opens with one. */
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
/** Items kept on the record; the card shows fewer (see cards/digest.card.ts). */
export const MAX_STORED_ITEMS = 40;

const tooLong = (n: number) =>
  new UserInputError(`The newsletter text is too long (${n.toLocaleString('en-GB')} characters; the limit is ${MAX_MARKDOWN_CHARS.toLocaleString('en-GB')}). Paste the stories you want in the digest, or link to the full newsletter.`, { content: 'too large' });

export function looksLikeHtml(s: string): boolean {
  return /<(!doctype|html|body|p|div|h[1-6]|ul|ol|table|br|span|a|section|article|td|center|font)\b/i.test(s.slice(0, 20_000));
}

/** Markdown's own marks: "#" headings, [text](url) links, **bold** lines, pipe tables, "* " lists with emphasis. */
export function looksLikeMarkdown(s: string): boolean {
  const head = s.slice(0, 50_000);
  return /^#{1,6}\s+\S/m.test(head) || /\[[^\]\n]+\]\((?:https?:|mailto:)/.test(head) || /^\s*\*\*[^*\n]+\*\*/m.test(head) || /^\|.*\|\s*\n\|?\s*:?-{3,}/m.test(head) || /!\[[^\]]*\]\(/.test(head);
}

/**
 * Splits a newsletter (plain text, markdown or HTML; PDF and Word arrive through newsletter-file.ts) into the
 * stories a reader would see: titles are headings, or short lines standing above body text (bold ones in e-mails);
 * each story's summary is its own first one or two sentences, and each link appears once. Throws UserInputError
 * for empty, oversized or unreadable input.
 */
export function composeNewsletter(input: string, format: NewsletterFormat = 'auto', opts: { blocks?: Block[] } = {}): ComposedNewsletter {
  if (!opts.blocks && (typeof input !== 'string' || input.trim() === '')) throw new UserInputError('The newsletter is empty: paste its text or attach the file.', { content: 'required' });
  if (input.length > MAX_INPUT_CHARS) {
    throw new UserInputError(`The newsletter is too large (${Math.round(input.length / 1000)} KB; the limit is ${MAX_INPUT_CHARS / 1_000_000} MB). Link to it instead, or paste a shorter version.`, { content: 'too large' });
  }
  const kind = format !== 'auto' ? format : looksLikeHtml(input) ? 'html' : looksLikeMarkdown(input) ? 'markdown' : 'text';
  // Text and markdown keep about their own length: refuse an oversized one before reading it (HTML shrinks when read).
  if (kind !== 'html' && input.length > MAX_MARKDOWN_CHARS) throw tooLong(input.length);
  let blocks: Block[];
  let pageTitle: string | undefined;
  if (opts.blocks) blocks = opts.blocks;
  else if (kind === 'html') ({ blocks, title: pageTitle } = readHtml(input));
  else if (kind === 'markdown') blocks = readMarkdown(input);
  else blocks = readPlainText(input);

  const markdown = blocksToMarkdown(blocks);
  if (markdown.length > MAX_MARKDOWN_CHARS) throw tooLong(markdown.length);
  if (!blocks.some((b) => b.kind !== 'break')) {
    throw new UserInputError(
      kind === 'html' ? 'I could not find any readable text in that HTML (only markup, scripts or styles?).' : 'I could not find any readable text in the newsletter.',
      { content: 'no readable text' },
    );
  }
  const found = findItems(blocks);
  if (!found.items.length) throw new UserInputError('I could not find any news items in the newsletter.', { content: 'no items' });
  const title = found.title ?? (pageTitle && !/^(?:untitled|document|email|newsletter)$/i.test(pageTitle) ? pageTitle : undefined);
  return {
    title,
    intro: found.intro,
    items: found.items.slice(0, MAX_STORED_ITEMS),
    totalItems: found.items.length,
    markdown,
    format: kind === 'html' ? 'html' : 'markdown',
  };
}
