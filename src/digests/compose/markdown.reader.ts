import { marked, type Token, type Tokens } from 'marked';
import { isUsableUrl, squash, textWithLinks, type Block, type Line, type Link } from './blocks';
import { readHtml } from './html.reader';

interface Seg {
  text: string;
  href?: string;
  strong: boolean;
  /** A line break (soft or hard) in the source paragraph. */
  br?: boolean;
}

const decode = (s: string) =>
  s.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&nbsp;/g, ' ');

function segments(tokens: Token[] | undefined, strong = false, href?: string): Seg[] {
  const out: Seg[] = [];
  for (const t of tokens ?? []) {
    switch (t.type) {
      case 'link': {
        const l = t as Tokens.Link;
        out.push(...segments(l.tokens, strong, isUsableUrl(l.href) ? l.href : href));
        break;
      }
      case 'strong':
        out.push(...segments((t as Tokens.Strong).tokens, true, href));
        break;
      case 'image':
      case 'html':
        break;
      case 'br':
        out.push({ text: '', strong, br: true });
        break;
      case 'text': {
        const tt = t as Tokens.Text;
        if (tt.tokens?.length) out.push(...segments(tt.tokens, strong, href));
        else
          decode(tt.text)
            .split('\n')
            .forEach((piece, i) => {
              if (i > 0) out.push({ text: '', strong, br: true });
              out.push({ text: piece, href, strong });
            });
        break;
      }
      case 'escape':
      case 'codespan':
        out.push({ text: decode((t as Tokens.Codespan).text), href, strong });
        break;
      default:
        if ('tokens' in t && Array.isArray(t.tokens)) out.push(...segments(t.tokens as Token[], strong, href));
        else if (typeof (t as { text?: unknown }).text === 'string') out.push({ text: decode((t as { text: string }).text), href, strong });
    }
  }
  return out;
}

/** Segments → lines (split at line breaks); a line's bare addresses become links too. */
function toLines(segs: Seg[]): Line[] {
  const lines: Line[] = [];
  let cur: Seg[] = [];
  const end = () => {
    const text = squash(cur.map((s) => s.text).join(''));
    if (text) {
      const links: Link[] = [];
      for (const s of cur) if (s.href && squash(s.text)) links.push({ text: squash(s.text), url: s.href });
      const bare = textWithLinks(text);
      const visible = cur.filter((s) => s.text.trim() !== '');
      const strong = visible.every((s) => s.strong);
      let lead: string | undefined;
      if (!strong && visible[0]?.strong) {
        let leadText = '';
        for (const s of visible) {
          if (!s.strong) break;
          leadText += s.text;
        }
        lead = squash(leadText).replace(/[\s.:–—-]+$/, '') || undefined;
      }
      lines.push({ text: links.length ? text : bare.text, links: [...links, ...bare.links.filter((b) => !links.some((l) => l.url === b.url))], strong, lead });
    }
    cur = [];
  };
  for (const s of segs) {
    if (s.br) end();
    else cur.push(s);
  }
  end();
  return lines;
}

const oneLine = (tokens: Token[] | undefined): Line | undefined => {
  const ls = toLines(segments(tokens));
  return ls.length ? { ...ls[0], text: squash(ls.map((l) => l.text).join(' ')), links: ls.flatMap((l) => l.links), strong: ls.every((l) => l.strong) } : undefined;
};

function toBlocks(tokens: Token[]): Block[] {
  const out: Block[] = [];
  for (const t of tokens) {
    switch (t.type) {
      case 'heading': {
        const l = oneLine((t as Tokens.Heading).tokens);
        if (l) out.push({ kind: 'heading', level: (t as Tokens.Heading).depth, line: l });
        break;
      }
      case 'paragraph': {
        const lines = toLines(segments((t as Tokens.Paragraph).tokens));
        if (lines.length) out.push({ kind: 'para', lines });
        break;
      }
      case 'list': {
        const items = (t as Tokens.List).items
          .map((i) => oneLine(i.tokens.flatMap((x) => (x.type === 'list' ? [] : 'tokens' in x && x.tokens ? (x.tokens as Token[]) : [x]))))
          .filter((l): l is Line => Boolean(l));
        if (items.length) out.push({ kind: 'list', items });
        // Nested lists read as more items.
        for (const i of (t as Tokens.List).items) out.push(...toBlocks(i.tokens.filter((x) => x.type === 'list')));
        break;
      }
      case 'table': {
        const tb = t as Tokens.Table;
        const cell = (c: Tokens.TableCell) => oneLine(c.tokens) ?? { text: '', links: [] };
        const rows = [tb.header.map(cell), ...tb.rows.map((r) => r.map(cell))].map((r) => r.filter((c) => c.text)).filter((r) => r.length);
        if (rows.length) out.push({ kind: 'table', rows });
        break;
      }
      case 'blockquote':
        out.push(...toBlocks((t as Tokens.Blockquote).tokens));
        break;
      case 'html':
        // Raw HTML inside markdown is read as HTML (so scripts and hidden parts are dropped the same way).
        out.push(...readHtml((t as Tokens.HTML).text).blocks);
        break;
      case 'hr':
        out.push({ kind: 'break' });
        break;
      default:
        break; // code, space: nothing a reader of the digest needs
    }
  }
  return out;
}

/** Markdown through marked's lexer: headings, paragraphs (line by line), lists, tables, links; images dropped. */
export function readMarkdown(md: string): Block[] {
  return toBlocks(marked.lexer(md.replace(/\r\n?/g, '\n'), { gfm: true }));
}
