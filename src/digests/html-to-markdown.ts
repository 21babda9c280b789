import { convert } from 'html-to-text';

/**
 * Turns a newsletter's HTML into markdown that marked can split: scripts, styles, images and page
 * chrome are dropped (the same cleaning as guidance ingestion), headings become `#` headings, bold
 * paragraphs stay bold (they often stand in for headings), and links become `[text](url)` so they
 * survive into the digest.
 */
export function htmlToMarkdown(html: string): string {
  const prepared = html.replace(/<(script|style|noscript|template|iframe|object)\b[\s\S]*?(<\/\1\s*>|$)/gi, '');
  return convert(prepared, {
    wordwrap: false,
    formatters: {
      mdHeading(elem, walk, builder, options) {
        builder.openBlock({ leadingLineBreaks: 2 });
        builder.addLiteral(`${'#'.repeat(Number((options as { level?: number }).level ?? 2))} `);
        walk(elem.children, builder);
        builder.closeBlock({ trailingLineBreaks: 2 });
      },
      mdLink(elem, walk, builder) {
        const href = String((elem.attribs as Record<string, string> | undefined)?.href ?? '').trim();
        if (!/^(https?:|mailto:)/i.test(href)) {
          walk(elem.children, builder);
          return;
        }
        builder.addLiteral('[');
        walk(elem.children, builder);
        builder.addLiteral(`](${href.replace(/[()\s]/g, encodeURIComponent)})`);
      },
      mdStrong(elem, walk, builder) {
        builder.addLiteral('**');
        walk(elem.children, builder);
        builder.addLiteral('**');
      },
    },
    selectors: [
      ...[1, 2, 3, 4, 5, 6].map((level) => ({ selector: `h${level}`, format: 'mdHeading', options: { level } })),
      { selector: 'a', format: 'mdLink' },
      { selector: 'strong', format: 'mdStrong' },
      { selector: 'b', format: 'mdStrong' },
      { selector: 'img', format: 'skip' },
      { selector: 'head', format: 'skip' },
      { selector: 'nav', format: 'skip' },
      { selector: 'footer', format: 'skip' },
      { selector: 'ul', options: { itemPrefix: '- ' } },
      { selector: 'hr', format: 'blockString', options: { string: '---', leadingLineBreaks: 2, trailingLineBreaks: 2 } },
      { selector: 'table', format: 'block' },
      { selector: 'tbody', format: 'block' },
      { selector: 'thead', format: 'block' },
      { selector: 'tr', format: 'block' },
      { selector: 'td', format: 'inline' },
      { selector: 'th', format: 'inline' },
    ],
  });
}
