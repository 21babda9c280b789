import type { PdfPageLayout, PdfTextItem } from '../../knowledge/parse/pdf.parser';
import { squash, textWithLinks, type Block, type Line, type Link } from './blocks';

interface PdfLine {
  text: string;
  cells: string[];
  x: number;
  y: number;
  size: number;
  font: string;
  page: number;
  links: Link[];
}

const BULLET = /^\s*(?:[•●▪◦‣∙·*-]|\d{1,2}[.)])\s+/;
const PAGE_NUMBER = /^(?:page\s*)?\d{1,3}(?:\s*(?:of|\/)\s*\d{1,3})?$/i;

function mode<T>(values: [T, number][]): T | undefined {
  const m = new Map<T, number>();
  for (const [v, w] of values) m.set(v, (m.get(v) ?? 0) + w);
  return [...m.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** Runs → visual lines (a new line where pdf.js ends one or the baseline moves); wide gaps separate table cells. */
function linesOf(page: PdfPageLayout, pageNo: number): PdfLine[] {
  const out: PdfLine[] = [];
  let cur: PdfTextItem[] = [];
  const flush = () => {
    const runs = cur.filter((i) => i.str.trim() !== '');
    cur = [];
    if (!runs.length) return;
    const cells: string[] = [];
    let cell = '';
    let end = runs[0].x;
    for (const r of runs) {
      if (cell && r.x - end > Math.max(18, r.size * 2)) {
        cells.push(squash(cell));
        cell = '';
      }
      cell += (cell && r.x - end > r.size * 0.15 && !/\s$/.test(cell) ? ' ' : '') + r.str;
      end = r.x + r.width;
    }
    cells.push(squash(cell));
    const size = mode(runs.map((r) => [Math.round(r.size * 2) / 2, r.str.length] as [number, number])) ?? runs[0].size;
    const font = mode(runs.map((r) => [r.font, r.str.length] as [string, number])) ?? runs[0].font;
    const y = runs[0].y;
    // A link annotation covers part of a run: take the words under its rectangle (characters spread evenly).
    const byUrl = new Map<string, string[]>();
    for (const l of page.links) {
      if (y < Math.min(l.rect[1], l.rect[3]) - 2 || y > Math.max(l.rect[1], l.rect[3]) + 2) continue;
      const [x1, x2] = [Math.min(l.rect[0], l.rect[2]), Math.max(l.rect[0], l.rect[2])];
      for (const r of runs) {
        if (r.x + r.width <= x1 || r.x >= x2 || !r.width) continue;
        const per = r.width / r.str.length;
        // Words whose middle lies under the rectangle (edges drift with proportional type; middles do not).
        const words = [...r.str.matchAll(/\S+/g)]
          .filter((m) => {
            const mid = r.x + (m.index! + m[0].length / 2) * per;
            return mid >= x1 && mid <= x2;
          })
          .map((m) => m[0])
          .join(' ');
        if (words) byUrl.set(l.url, [...(byUrl.get(l.url) ?? []), words]);
      }
    }
    const links = [...byUrl].map(([url, parts]) => ({ text: squash([...new Set(parts)].join(' ')).replace(/[.,;:]$/, ''), url }));
    // pdf.js sometimes loses the space after a full stop ("July.She"): put it back between words.
    for (let i = 0; i < cells.length; i++) cells[i] = cells[i].replace(/([a-z]{2}[.!?])([A-Z][a-z])/g, '$1 $2');
    out.push({ text: cells.join(' '), cells, x: runs[0].x, y, size, font, page: pageNo, links });
  };
  let last: PdfTextItem | undefined;
  for (const it of page.items) {
    if (last && cur.length && Math.abs(it.y - last.y) > Math.max(2, it.size * 0.4)) flush();
    cur.push(it);
    last = it;
    if (it.eol) flush();
  }
  flush();
  return out;
}

/** Lines repeated at the top or bottom of several pages (running headers, footers) and bare page numbers. */
function dropPageFurniture(pages: PdfLine[][], layouts: PdfPageLayout[], body: number): PdfLine[][] {
  const key = (l: PdfLine) => l.text.replace(/\d+/g, '#').toLowerCase();
  const counts = new Map<string, number>();
  pages.forEach((ls, i) => {
    const h = layouts[i].height;
    for (const k of new Set(ls.filter((l) => l.y > h * 0.9 || l.y < h * 0.1).map(key))) counts.set(k, (counts.get(k) ?? 0) + 1);
  });
  return pages.map((ls, i) => {
    const h = layouts[i].height;
    const edge = (l: PdfLine) => l.y > h * 0.9 || l.y < h * 0.1;
    // Small type at the very top or bottom is a running header or footer even on a one-page newsletter.
    const small = (l: PdfLine) => (l.y > h * 0.94 || l.y < h * 0.06) && l.size < body * 0.95;
    return ls.filter((l) => !PAGE_NUMBER.test(l.text.trim()) && !small(l) && !(edge(l) && pages.length > 1 && (counts.get(key(l)) ?? 0) > 1));
  });
}

/**
 * A PDF newsletter as a reader sees it: type larger than the body text is a heading (the larger, the higher),
 * a line in another face than the body (the bold one) is a strong line, extra space between lines ends a paragraph,
 * wrapped and hyphenated lines are joined, bullets are lists, and runs set apart in columns are table rows. Link
 * annotations give their words a link; printed addresses become links too.
 */
export function readPdfLayout(layouts: PdfPageLayout[]): Block[] {
  const raw = layouts.map((p, i) => linesOf(p, i + 1));
  if (!raw.flat().length) return [];
  const body = mode(raw.flat().map((l) => [l.size, l.text.length] as [number, number]))!;
  const all = dropPageFurniture(raw, layouts, body).flat();
  if (!all.length) return [];
  const bodyFont = mode(all.filter((l) => l.size === body).map((l) => [l.font, l.text.length] as [string, number]))!;
  const headingSizes = [...new Set(all.filter((l) => l.size >= body * 1.15).map((l) => l.size))].sort((a, b) => b - a);
  const gaps = all.slice(1).map((l, i) => (all[i].page === l.page && l.size === body && all[i].size === body ? all[i].y - l.y : 0)).filter((g) => g > 0);
  const spacing = gaps.sort((a, b) => a - b)[Math.floor(gaps.length / 2)] ?? body * 1.25;

  const blocks: Block[] = [];
  let para: { text: string; links: Link[]; strong: boolean }[] = [];
  let list: Line[] | undefined;
  let rows: Line[][] | undefined;
  const flushPara = () => {
    if (para.length) blocks.push({ kind: 'para', lines: para.map((p) => withLinks(p.text, p.links, p.strong)) });
    para = [];
  };
  const flush = () => {
    flushPara();
    if (list?.length) blocks.push({ kind: 'list', items: list });
    if (rows?.length) blocks.push({ kind: 'table', rows });
    list = rows = undefined;
  };
  let prev: PdfLine | undefined;
  for (const l of all) {
    const gapBefore = prev && prev.page === l.page ? prev.y - l.y : Infinity;
    const newPara = !prev || gapBefore > spacing * 1.45 || gapBefore < 0 || l.size !== prev.size || l.font !== prev.font;
    if (l.size >= body * 1.15) {
      // A heading may wrap onto a second line in the same type.
      const lastBlock = blocks[blocks.length - 1];
      const sameHeading = prev && prev.page === l.page && prev.size === l.size && prev.font === l.font && gapBefore > 0 && gapBefore <= l.size * 1.6;
      if (sameHeading && lastBlock?.kind === 'heading' && !para.length && !list && !rows) {
        lastBlock.line = withLinks(`${lastBlock.line.text} ${l.text}`, [...lastBlock.line.links, ...l.links], true);
      } else {
        flush();
        blocks.push({ kind: 'heading', level: Math.min(6, headingSizes.indexOf(l.size) + 1), line: withLinks(l.text, l.links, true) });
      }
    } else if (l.cells.length >= 2) {
      if (para.length || list) flush();
      (rows ??= []).push(l.cells.map((c) => withLinks(c, l.links.filter((k) => c.includes(k.text)), false)));
    } else if (BULLET.test(l.text)) {
      if (para.length || rows) flush();
      (list ??= []).push(withLinks(l.text.replace(BULLET, ''), l.links, false));
    } else if (list && !newPara && prev && l.x > prev.x) {
      const lastItem = list[list.length - 1];
      list[list.length - 1] = withLinks(`${lastItem.text} ${l.text}`, [...lastItem.links, ...l.links], false);
    } else {
      if (list || rows) flush();
      const strong = l.font !== bodyFont && l.size <= body * 1.15;
      const last = para[para.length - 1];
      // Bold lines stack as separate lines ("NEWS" above a title) unless the one above ran the full width (a wrapped title).
      if (newPara || !last || last.strong !== strong || (strong && last.text.length < 50)) {
        if (newPara) flushPara();
        para.push({ text: l.text, links: [...l.links], strong });
      } else {
        // "multi-" at a line's end keeps its hyphen: Word does not hyphenate, so the hyphen is the word's own.
        last.text = /[A-Za-z]-$/.test(last.text) && /^[a-z]/.test(l.text) ? `${last.text}${l.text}` : `${last.text} ${l.text}`;
        last.links.push(...l.links);
      }
    }
    prev = l;
  }
  flush();
  return blocks;
}

function withLinks(text: string, annotated: Link[], strong: boolean): Line {
  const bare = textWithLinks(text);
  const links = annotated.filter((k) => k.text && text.includes(k.text));
  return { text: links.length ? squash(text) : bare.text, links: [...links, ...bare.links.filter((b) => !links.some((k) => k.url === b.url))], strong };
}
