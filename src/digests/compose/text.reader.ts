import { textWithLinks, type Block, type Line } from './blocks';

/** Picture placeholders that e-mail clients leave in the plain-text copy: "[image: CSCP logo]", "[cid:image001.png@01DA…]". */
const IMAGE_PLACEHOLDER = /\[(?:image|cid|img|picture|logo)[:\s][^\]\n]*\]/gi;
const RULE = /^\s*(?:[-=_*~#]\s*){3,}$|^\s*\|\s*$/;
const SETEXT_1 = /^\s*={3,}\s*$/;
const SETEXT_2 = /^\s*-{3,}\s*$/;
const BULLET = /^\s*(?:[-*•●▪◦‣∙–]|\d{1,2}[.)])\s+/;
const ENDS_SENTENCE = /[.!?:;"”’)]\s*$/;

type Raw = { t: 'blank' } | { t: 'rule' } | { t: 'item'; text: string } | { t: 'row'; cells: string[] } | { t: 'text'; text: string; setext?: 1 | 2 };

function classify(lines: string[]): Raw[] {
  const out: Raw[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const next = lines[i + 1] ?? '';
    if (l.trim() === '') out.push({ t: 'blank' });
    else if (l.trim() !== '' && !RULE.test(l) && (SETEXT_1.test(next) || (SETEXT_2.test(next) && l.trim().length <= 90))) {
      out.push({ t: 'text', text: l.trim(), setext: SETEXT_1.test(next) ? 1 : 2 });
      i++;
    } else if (RULE.test(l)) out.push({ t: 'rule' });
    else if (BULLET.test(l)) out.push({ t: 'item', text: l.replace(BULLET, '').trim() });
    else if (/\t/.test(l.trim()) || /^\s*\|.*\|\s*$/.test(l)) {
      const cells = l.trim().replace(/^\||\|$/g, '').split(/\t+|\s\|\s|\|/).map((c) => c.trim());
      if (cells.filter(Boolean).length >= 2) out.push({ t: 'row', cells: cells.filter(Boolean) });
      else out.push({ t: 'text', text: l.trim() });
    } else out.push({ t: 'text', text: l.replace(/\s+$/, '') });
  }
  return out;
}

/** The length lines wrap at when the text was hard-wrapped (e-mail plain text at 72–78 columns); 0 when it was not. */
function wrapWidth(lines: string[]): number {
  const lengths = lines.map((l) => l.trim().length).filter((n) => n > 0).sort((a, b) => a - b);
  if (lengths.length < 4) return 0;
  const p90 = lengths[Math.floor(lengths.length * 0.9)];
  return p90 >= 40 && p90 <= 100 ? p90 : 0;
}

function isAllCaps(s: string): boolean {
  const letters = s.replace(/[^A-Za-z]/g, '');
  return letters.length >= 3 && letters === letters.toUpperCase() && s.length <= 60;
}

/**
 * Plain text as pasted from an e-mail or a web page: paragraphs (blank-line separated, or one per line when the
 * text has no blank lines), hard-wrapped lines joined again, "Title\n=====" and ALL CAPS section labels as
 * headings, bullets as lists, tab- or pipe-separated lines as table rows, addresses as links. Which short lines are
 * story titles is decided later, from what follows them.
 */
export function readPlainText(input: string): Block[] {
  const text = input.replace(/\r\n?/g, '\n').replace(IMAGE_PLACEHOLDER, '').replace(/\u00a0/g, ' ');
  const rawLines = text.split('\n');
  const width = wrapWidth(rawLines);
  const blocks: Block[] = [];
  let para: string[] | undefined;
  let list: Line[] | undefined;
  let rows: Line[][] | undefined;
  const flush = () => {
    if (para?.length) blocks.push({ kind: 'para', lines: para.map((p) => textWithLinks(p)) });
    if (list?.length) blocks.push({ kind: 'list', items: list });
    if (rows?.length) blocks.push({ kind: 'table', rows });
    para = list = rows = undefined;
  };
  let prev: Raw | undefined;
  for (const r of classify(rawLines)) {
    if (r.t === 'blank') flush();
    else if (r.t === 'rule') {
      flush();
      blocks.push({ kind: 'break' });
    } else if (r.t === 'item') {
      if (para || rows) flush();
      (list ??= []).push(textWithLinks(r.text));
    } else if (r.t === 'row') {
      if (para || list) flush();
      (rows ??= []).push(r.cells.map((c) => textWithLinks(c)));
    } else if (r.setext) {
      flush();
      blocks.push({ kind: 'heading', level: r.setext, line: textWithLinks(r.text) });
    } else if (isAllCaps(r.text.trim()) && !ENDS_SENTENCE.test(r.text) && !/https?:|www\./i.test(r.text)) {
      flush();
      blocks.push({ kind: 'heading', level: 4, line: textWithLinks(titleCase(r.text.trim())) });
    } else {
      const last = para?.[para.length - 1];
      // A wrapped line continues the one above: that line reached the wrap width and did not end a sentence, or this one starts in lower case.
      const continues =
        last !== undefined &&
        prev?.t === 'text' &&
        ((width > 0 && last.length >= width * 0.75 && !ENDS_SENTENCE.test(last)) || (/^[a-z(]/.test(r.text.trim()) && !ENDS_SENTENCE.test(last)));
      if (continues) para![para!.length - 1] = `${last} ${r.text.trim()}`;
      else if (list && /^\s{2,}\S/.test(r.text) && prev?.t === 'item') list[list.length - 1] = textWithLinks(`${list[list.length - 1].text} ${r.text.trim()}`);
      else {
        if (list || rows) flush();
        // Each line is its own paragraph (titles above body text, or text pasted one paragraph per line).
        if (para) flush();
        para = [r.text.trim()];
      }
    }
    prev = r;
  }
  flush();
  return blocks;
}

/** "LOCAL NEWS" → "Local news" (a section label shouted for the eye reads better in sentence case on a card). */
function titleCase(s: string): string {
  const lower = s.toLowerCase();
  return lower.replace(/^[a-z]/, (c) => c.toUpperCase()).replace(/\b(cscp|lscb|mash|dsl|lado|nhs|send|uk|spr|lcspr|omg|cse|cce|fgm|icb|csab)\b/g, (w) => w.toUpperCase());
}
