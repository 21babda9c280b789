import { isTag, isText, type AnyNode, type Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { isUsableUrl, squash, type Block, type Line, type Link } from './blocks';

const SKIP = new Set(['script', 'style', 'head', 'noscript', 'template', 'iframe', 'object', 'embed', 'svg', 'canvas', 'form', 'button', 'select', 'textarea', 'input', 'nav', 'footer', 'map', 'audio', 'video', 'picture', 'img']);
const BLOCK = new Set(['p', 'div', 'td', 'th', 'tr', 'tbody', 'thead', 'tfoot', 'section', 'article', 'header', 'main', 'aside', 'blockquote', 'center', 'li', 'dd', 'dt', 'dl', 'figure', 'figcaption', 'address', 'body', 'html', 'caption', 'pre']);
const HEADING = /^h([1-6])$/;

interface Seg {
  text: string;
  href?: string;
  strong: boolean;
}

function style(el: Element): string {
  return (el.attribs.style ?? '').toLowerCase().replace(/\s+/g, '');
}

/** Preview text and other parts e-mail designers hide from the reader. */
function hidden(el: Element): boolean {
  const s = style(el);
  return (
    /display:none|visibility:hidden|mso-hide:all/.test(s) ||
    (/max-height:0|(?:^|;)height:0/.test(s) && /overflow:hidden/.test(s)) ||
    /(?:^|;)font-size:0(?:px)?(?:;|$)/.test(s) ||
    el.attribs.hidden !== undefined ||
    el.attribs['aria-hidden'] === 'true'
  );
}

/** Bold or set noticeably larger than body text: how e-mail builders mark a title without heading tags. */
function emphasised(el: Element): boolean {
  if (el.name === 'strong' || el.name === 'b') return true;
  const s = style(el);
  if (/font-weight:(bold|bolder|[6-9]00)/.test(s)) return true;
  const px = /font-size:(\d+(?:\.\d+)?)(px|pt)/.exec(s);
  return Boolean(px && Number(px[1]) * (px[2] === 'pt' ? 4 / 3 : 1) >= 18);
}

function textOf(node: AnyNode): string {
  if (isText(node)) return node.data;
  if (isTag(node)) return SKIP.has(node.name) || hidden(node) ? '' : node.children.map(textOf).join(' ');
  return '';
}

function descendants(el: Element, pred: (e: Element) => boolean): Element[] {
  const out: Element[] = [];
  const walk = (n: AnyNode) => {
    if (!isTag(n)) return;
    if (pred(n)) out.push(n);
    n.children.forEach(walk);
  };
  el.children.forEach(walk);
  return out;
}

/**
 * A data table (training dates, contacts) keeps its rows; a layout table (how nearly every e-mail newsletter is
 * built) is read as the blocks inside its cells. Data: header cells, or several rows of short, plain cells.
 */
function isDataTable(table: Element): boolean {
  const rows = descendants(table, (e) => e.name === 'tr');
  if (descendants(table, (e) => e.name === 'table' || HEADING.test(e.name) || e.name === 'ul' || e.name === 'ol' || e.name === 'img').length) return false;
  const cellsOf = (tr: Element) => tr.children.filter((c): c is Element => isTag(c) && (c.name === 'td' || c.name === 'th'));
  const filledRows = rows.filter((tr) => cellsOf(tr).filter((c) => squash(textOf(c)) !== '').length >= 2);
  if (filledRows.length < 2) return false;
  const cells = filledRows.flatMap(cellsOf);
  if (cells.some((c) => squash(textOf(c)).length > 160 || descendants(c, (e) => e.name === 'p').length > 1)) return false;
  return descendants(table, (e) => e.name === 'th').length > 0 || filledRows.length >= 2;
}

function toLine(segs: Seg[]): Line | undefined {
  const text = squash(segs.map((s) => s.text).join(''));
  if (!text) return undefined;
  const links: Link[] = [];
  for (const s of segs) {
    if (!s.href) continue;
    const last = links[links.length - 1];
    const prevSeg = segs[segs.indexOf(s) - 1];
    if (last && last.url === s.href && prevSeg?.href === s.href) last.text = squash(`${last.text}${s.text}`);
    else links.push({ text: squash(s.text), url: s.href });
  }
  const visible = segs.filter((s) => s.text.trim() !== '');
  const strong = visible.length > 0 && visible.every((s) => s.strong);
  let lead: string | undefined;
  if (!strong && visible[0]?.strong) {
    let i = 0;
    let leadText = '';
    while (i < visible.length && visible[i].strong) leadText += visible[i++].text;
    lead = squash(leadText).replace(/[\s.:–—-]+$/, '') || undefined;
  }
  return { text, links: links.filter((l) => l.text !== '' || l.url), strong, lead };
}

/**
 * HTML newsletters, from web pages to e-mail builders' nested layout tables: headings as headings, paragraphs
 * split at line breaks, bold or large lines marked, lists and data tables kept, links with their text; hidden
 * preview text, images, scripts, styles, navigation and footers dropped.
 */
export function readHtml(html: string): { blocks: Block[]; title?: string } {
  const doc = parseDocument(html, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  const titleEl = descendants(doc as unknown as Element, (e) => e.name === 'title')[0];
  const title = titleEl ? squash(titleEl.children.map((c) => (isText(c) ? c.data : '')).join(' ')) || undefined : undefined;

  let blocks: Block[] = [];
  let segs: Seg[] = [];
  let lines: Line[] = [];
  const endLine = () => {
    const l = toLine(segs);
    segs = [];
    if (l) lines.push(l);
  };
  const endBlock = () => {
    endLine();
    if (lines.length) blocks.push({ kind: 'para', lines });
    lines = [];
  };
  /** The lines inside an element (a cell, a list item, a heading), whatever blocks it holds. */
  const collect = (nodes: AnyNode[], strong: boolean, href?: string): Line[] => {
    const saved = { segs, lines, blocks };
    segs = [];
    lines = [];
    blocks = [];
    nodes.forEach((n) => walk(n, strong, href));
    endBlock();
    const out = blocks.flatMap((b) => (b.kind === 'para' ? b.lines : b.kind === 'heading' ? [b.line] : b.kind === 'list' ? b.items : b.kind === 'table' ? b.rows.flat() : []));
    ({ segs, lines, blocks } = saved);
    return out;
  };

  function walk(node: AnyNode, strong: boolean, href?: string): void {
    if (isText(node)) {
      if (node.data) segs.push({ text: node.data.replace(/[\r\n\t]+/g, ' '), href, strong });
      return;
    }
    if (!isTag(node)) return;
    const el = node;
    if (SKIP.has(el.name) || hidden(el)) return;
    const bold = strong || emphasised(el);
    const h = HEADING.exec(el.name);
    if (h) {
      endBlock();
      const hl = collect(el.children, true, href);
      if (hl.length) blocks.push({ kind: 'heading', level: Number(h[1]), line: { ...hl[0], text: squash(hl.map((l) => l.text).join(' ')), links: hl.flatMap((l) => l.links) } });
      return;
    }
    if (el.name === 'br') return endLine();
    if (el.name === 'hr') {
      endBlock();
      blocks.push({ kind: 'break' });
      return;
    }
    if (el.name === 'a') {
      const raw = (el.attribs.href ?? '').trim();
      const url = isUsableUrl(raw) ? raw : undefined;
      el.children.forEach((c) => walk(c, bold, url ?? href));
      return;
    }
    if (el.name === 'ul' || el.name === 'ol') {
      endBlock();
      const items = el.children.filter(isTag).flatMap((li) => {
        const ls = collect(li.children, bold, href);
        return ls.length ? [{ ...ls[0], text: squash(ls.map((l) => l.text).join(' ')), links: ls.flatMap((l) => l.links), strong: ls.every((l) => l.strong) }] : [];
      });
      if (items.length) blocks.push({ kind: 'list', items });
      return;
    }
    if (el.name === 'table') {
      endBlock();
      if (isDataTable(el)) {
        const rows = descendants(el, (e) => e.name === 'tr')
          .map((tr) => tr.children.filter((c): c is Element => isTag(c) && (c.name === 'td' || c.name === 'th')).map((c) => collect(c.children, bold, href)))
          .map((cells) => cells.map((ls) => ({ text: squash(ls.map((l) => l.text).join(' ')), links: ls.flatMap((l) => l.links) })).filter((c) => c.text))
          .filter((cells) => cells.length);
        if (rows.length) blocks.push({ kind: 'table', rows });
      } else el.children.forEach((c) => walk(c, bold, href));
      endBlock();
      return;
    }
    const block = BLOCK.has(el.name);
    if (block) endBlock();
    el.children.forEach((c) => walk(c, bold, href));
    if (block) endBlock();
  }

  doc.children.forEach((n) => walk(n, false));
  endBlock();
  return { blocks, title };
}
