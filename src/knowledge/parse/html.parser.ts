import { convert } from 'html-to-text';
import type { Block } from '../knowledge.types';
import { parseMarkdown } from './markdown.parser';

const CELL_END = '\u0001';

/**
 * Newsletters and web pages: scripts, styles and images go; headings become markdown headings,
 * lists stay lists, links keep their address, and each table row stays one line.
 */
export function htmlToMarkdownish(html: string): string {
  const prepared = html
    .replace(/<(script|style|noscript|template)\b[\s\S]*?<\/\1>/gi, '')
    .replace(/<\/t[dh]>/gi, `${CELL_END}</td>`)
    .replace(/<tr\b[^>]*>/gi, '<p>')
    .replace(/<\/tr>/gi, '</p>');
  const headingSelectors = [1, 2, 3, 4, 5, 6].map((level) => ({ selector: `h${level}`, format: 'mdHeading', options: { level } }));
  const text = convert(prepared, {
    wordwrap: false,
    formatters: {
      mdHeading(elem, walk, builder, formatOptions) {
        builder.openBlock({ leadingLineBreaks: 2 });
        builder.addLiteral(`${'#'.repeat(Number((formatOptions as { level?: number }).level ?? 1))} `);
        walk(elem.children, builder);
        builder.closeBlock({ trailingLineBreaks: 2 });
      },
    },
    selectors: [
      ...headingSelectors,
      { selector: 'img', format: 'skip' },
      { selector: 'head', format: 'skip' },
      { selector: 'nav', format: 'skip' },
      { selector: 'a', options: { linkBrackets: ['(', ')'], hideLinkHrefIfSameAsText: true, ignoreHref: false } },
      { selector: 'ul', options: { itemPrefix: '- ' } },
      { selector: 'table', format: 'block' },
      { selector: 'tbody', format: 'block' },
      { selector: 'thead', format: 'block' },
      { selector: 'td', format: 'inline' },
      { selector: 'th', format: 'inline' },
    ],
  });
  return text
    .split('\n')
    .map((line) =>
      line.includes(CELL_END)
        ? `- ${line
            .split(CELL_END)
            .map((c) => c.trim())
            .filter(Boolean)
            .join(' | ')}`
        : line,
    )
    .join('\n');
}

export function parseHtml(html: string): Block[] {
  return parseMarkdown(htmlToMarkdownish(html)).map((b) =>
    b.kind === 'item' && b.text.includes(' | ') ? { kind: 'row' as const, text: b.text } : b,
  );
}
