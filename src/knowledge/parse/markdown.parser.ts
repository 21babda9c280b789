import { lexer, type Token, type Tokens } from 'marked';
import type { Block } from '../knowledge.types';
import { cleanInline, normaliseRaw, splitMarkup } from './text-cleanup';

/** Strips inline markdown (emphasis, code, images, links) to readable text. */
function inlineText(s: string): string {
  return cleanInline(
    s
      .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
      .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, t: string, u: string) => (u.startsWith('#') || u === '' ? t : `${t} (${u})`))
      .replace(/`([^`]+)`/g, '$1')
      .replace(/(\*\*|__)(.+?)\1/g, '$2')
      .replace(/(^|\W)[*_]([^*_]+)[*_](?=\W|$)/g, '$1$2')
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'"),
  );
}

/** Splits front matter (`---\nkey: value\n---`) off a markdown file. */
export function splitFrontMatter(raw: string): { meta: Record<string, string>; body: string } {
  const m = /^---\n([\s\S]*?)\n---\n?/.exec(raw);
  if (!m) return { meta: {}, body: raw };
  const meta: Record<string, string> = {};
  for (const line of m[1].split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) meta[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim().replace(/^["']|["']$/g, '');
  }
  return { meta, body: raw.slice(m[0].length) };
}

function fromTokens(tokens: Token[], out: Block[]): void {
  for (const t of tokens) {
    switch (t.type) {
      case 'heading': {
        const h = t as Tokens.Heading;
        const text = inlineText(h.text);
        if (text) out.push({ kind: 'heading', level: h.depth, text });
        break;
      }
      case 'paragraph':
      case 'text': {
        for (const line of (t as Tokens.Paragraph).text.split('\n')) {
          for (const p of splitMarkup(inlineText(line))) out.push({ kind: p.kind, text: p.text });
        }
        break;
      }
      case 'list':
        for (const item of (t as Tokens.List).items) {
          const text = inlineText(item.text.replace(/\n+/g, ' '));
          if (text) out.push({ kind: 'item', text });
        }
        break;
      case 'table': {
        const tb = t as Tokens.Table;
        const header = tb.header.map((c) => inlineText(c.text));
        for (const row of tb.rows) {
          const cells = row.map((c) => inlineText(c.text));
          const text = cells
            .map((c, i) => (i === 0 || !header[i] ? c : `${header[i]}${/[?:]$/.test(header[i]) ? '' : ':'} ${c}`))
            .filter((c) => c.trim() !== '')
            .join('. ');
          if (text) out.push({ kind: 'row', text });
        }
        break;
      }
      case 'blockquote':
        fromTokens((t as Tokens.Blockquote).tokens, out);
        break;
      case 'code':
        if ((t as Tokens.Code).text.trim()) out.push({ kind: 'para', text: (t as Tokens.Code).text.trim() });
        break;
      case 'html':
        for (const p of splitMarkup((t as Tokens.HTML).text.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ''))) out.push(p);
        break;
      case 'hr':
        out.push({ kind: 'break' });
        break;
      default:
        break;
    }
  }
}

/** Parses markdown with marked's lexer: headings give the section structure. */
export function parseMarkdown(raw: string): Block[] {
  const { body } = splitFrontMatter(normaliseRaw(raw));
  const out: Block[] = [];
  fromTokens(lexer(body), out);
  return out;
}
