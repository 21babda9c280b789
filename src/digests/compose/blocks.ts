/**
 * The neutral shape every newsletter input (plain text, markdown, HTML, Word, PDF) is read into before items are
 * found: what a reader sees on the page (headings, paragraphs, lists, table rows, rules), with the links each
 * line carries. Readers of each format only describe the page; deciding what is a story is items.ts's job.
 */
export interface Link {
  text: string;
  url: string;
}

/** One visual line of text and the links inside it. */
export interface Line {
  text: string;
  links: Link[];
  /** Every character of the line is bold (or set in a larger type): e-mailed newsletters use this for titles. */
  strong?: boolean;
  /** The line opens with a bold phrase ("**Neglect toolkit.** The new…"): the phrase, without its punctuation. */
  lead?: string;
}

export type Block =
  /** An explicit heading (h1–h6, "#", a larger font in a PDF, an underlined or ALL CAPS line in text). */
  | { kind: 'heading'; level: number; line: Line }
  /** A paragraph: its lines as laid out (a title line directly above body text stays a separate line). */
  | { kind: 'para'; lines: Line[] }
  | { kind: 'list'; items: Line[] }
  /** A data table (not a layout table): each row's cells. */
  | { kind: 'table'; rows: Line[][] }
  /** A horizontal rule or a page's end of section. */
  | { kind: 'break' };

/** Collapses whitespace (including the invisible characters e-mail tools pad their preview text with). */
export function squash(s: string): string {
  return s
    .replace(/[\u200b-\u200d\u2060\ufeff\u00ad\u034f]/g, '')
    .replace(/[\s\u00a0]+/g, ' ')
    .trim();
}

const URL_IN_TEXT = /\b(?:https?:\/\/|www\.)[^\s<>()[\]"'“”‘’]+[^\s<>()[\]"'“”‘’.,;:!?]/gi;
const EMAIL_IN_TEXT = /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g;

/** Normalises an address for comparison: no fragment, no trailing slash, lower-case host. */
export function linkKey(url: string): string {
  try {
    const u = new URL(url);
    u.hash = '';
    return `${u.protocol}//${u.host.toLowerCase()}${u.pathname.replace(/\/+$/, '')}${u.search}`;
  } catch {
    return url.trim().replace(/\/+$/, '');
  }
}

/** A web address or a mailto: link (never javascript:, data: or a relative path). */
export function isUsableUrl(href: string): boolean {
  return /^(https?:\/\/[^\s/]+|mailto:[^\s@]+@[^\s@]+)/i.test(href.trim());
}

/**
 * Plain text carries its links as bare addresses ("Read more: https://…", "www.coventry.gov.uk/cscp") or in
 * Outlook's "text<https://…>" form; this turns them into links and leaves the words a reader reads.
 */
export function textWithLinks(raw: string): Line {
  const links: Link[] = [];
  // (Only when there is such an address: the lazy match would otherwise scan a long line from every position.)
  let text = !/<(?:https?:\/\/|mailto:)/i.test(raw) ? raw : raw.replace(/([^<>\n]*?)\s*<((?:https?:\/\/|mailto:)[^>\s]+)>/g, (_m, before: string, url: string) => {
    const label = squash(before).split(/[.:!?]\s+/).pop() ?? '';
    links.push({ text: label || url.replace(/^mailto:/, ''), url });
    return before;
  });
  text = text.replace(URL_IN_TEXT, (m, offset: number, whole: string) => {
    const url = /^www\./i.test(m) ? `https://${m}` : m;
    // "Read more: https://…", "Book your place - https://…": the words before the colon name the link.
    const before = /(?:^|[.!?]\s+)([^.!?:]{2,60}?)\s*[:–-]\s*$/.exec(offset > 120 ? whole.slice(offset - 120, offset).replace(/^\S*\s/, '') : whole.slice(0, offset));
    links.push({ text: before ? squash(before[1]) : shortUrl(url), url });
    return ' ';
  });
  // An e-mail address stays in the text (people read it) and also becomes a link.
  for (const m of text.match(EMAIL_IN_TEXT) ?? []) links.push({ text: m, url: `mailto:${m}` });
  // Brackets that held an address ("the policy (https://…)") are empty now.
  return { text: squash(text.replace(/[(<[]\s*[)>\]]/g, ' ').replace(/\s+([.,;:!?])/g, '$1')), links };
}

/** "https://www.coventry.gov.uk/cscp/news?id=4" → "coventry.gov.uk/cscp/news" (what a person would type). */
export function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.protocol === 'mailto:') return u.pathname;
    const path = u.pathname.replace(/\/+$/, '');
    const s = `${u.host.replace(/^www\./i, '')}${path}`;
    return s.length > 60 ? `${s.slice(0, 57)}…` : s;
  } catch {
    return url;
  }
}

/** Markdown for the stored copy of the newsletter (what is ingested into the guidance index). */
export function blocksToMarkdown(blocks: Block[]): string {
  const esc = (s: string) => s.replace(/([\\`*_[\]<>])/g, '\\$1').replace(/^(\s*)([#+-]|\d+\.)(\s)/, '$1\\$2$3');
  const withLinks = (l: Line) => {
    const extra = l.links.filter((k) => !l.text.includes(k.text) || k.text === '').map((k) => `[${esc(k.text)}](${k.url.replace(/[()\s]/g, encodeURIComponent)})`);
    let text = esc(l.text);
    for (const k of l.links) {
      const i = k.text ? text.indexOf(esc(k.text)) : -1;
      if (i >= 0) text = `${text.slice(0, i)}[${esc(k.text)}](${k.url.replace(/[()\s]/g, encodeURIComponent)})${text.slice(i + esc(k.text).length)}`;
    }
    // Links whose words are not in the line go on a line of their own, so they never join a sentence.
    return [text, ...extra].filter(Boolean).join('  \n');
  };
  const out: string[] = [];
  for (const b of blocks) {
    if (b.kind === 'heading') out.push(`${'#'.repeat(Math.min(6, Math.max(1, b.level)))} ${withLinks(b.line)}`);
    else if (b.kind === 'para') out.push(b.lines.map((l) => (l.strong ? `**${withLinks(l)}**` : withLinks(l))).join('  \n'));
    else if (b.kind === 'list') out.push(b.items.map((i) => `- ${withLinks(i)}`).join('\n'));
    else if (b.kind === 'table') {
      const cols = Math.max(...b.rows.map((r) => r.length));
      const row = (r: Line[]) => `| ${Array.from({ length: cols }, (_, i) => (r[i] ? withLinks(r[i]).replace(/\|/g, '\\|') : '')).join(' | ')} |`;
      out.push([row(b.rows[0]), `|${' --- |'.repeat(cols)}`, ...b.rows.slice(1).map(row)].join('\n'));
    }
    else out.push('---');
  }
  return out.filter((s) => s.trim() !== '').join('\n\n');
}
