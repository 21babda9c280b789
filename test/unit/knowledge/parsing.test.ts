import * as path from 'node:path';
import { chunkDocument } from '../../../src/knowledge/chunker';
import { DocumentParseError, parseDocumentBytes, parseDocumentFile } from '../../../src/knowledge/parse/document.parser';
import type { Block } from '../../../src/knowledge/knowledge.types';

const fixtures = path.join(__dirname, '..', '..', 'fixtures', 'knowledge');
const headings = (blocks: Block[]) => blocks.filter((b) => b.kind === 'heading').map((b) => (b.kind === 'heading' ? b.text : ''));
const texts = (blocks: Block[]) => blocks.filter((b) => b.kind !== 'heading' && b.kind !== 'break').map((b) => ('text' in b ? b.text : ''));

describe('plain text', () => {
  const raw = [
    'Contents',
    '',
    '\tPage',
    'Water safety\t3',
    'Home visits\t4-5',
    '',
    'Water safety',
    '',
    'Drowning is silent and quick. Supervise children near water.',
    '<p>Pond covers</p> <ul style="x"> • Use a rigid mesh. • Check it monthly.',
    '',
    'Home visits',
    'What we expect:',
    '- ≤ Announce the visit in advance.',
    '≤ Record who was present ≤ Note the child’s room',
    '',
    'Course\tAttendance',
    'Water safety awareness\t212',
    '',
    'Priority 1: Drowning\t\t',
    'Action\tTarget Date\tLead',
    'Publish the pond leaflet.\tMay 2026\tPartnership Manager',
  ].join('\n');

  it('finds headings, skips the contents list and cleans stray tags and bullets', async () => {
    const doc = await parseDocumentBytes('water.txt', Buffer.from(raw));
    expect(headings(doc.blocks)).toEqual(['Water safety', 'Home visits', 'Priority 1: Drowning']);
    const all = texts(doc.blocks);
    expect(all).not.toContain('Water safety\t3');
    expect(all.join(' ')).not.toMatch(/<p>|<ul|≤|•/);
    expect(all).toEqual(expect.arrayContaining(['Use a rigid mesh.', 'Check it monthly.', 'Announce the visit in advance.', 'Record who was present', 'Note the child’s room']));
  });

  it('keeps a table row as one line, with the header names when the table has a header', async () => {
    const doc = await parseDocumentBytes('water.txt', Buffer.from(raw));
    const all = texts(doc.blocks);
    expect(all).toContain('Water safety awareness. Attendance: 212.');
    expect(all).toContain('Publish the pond leaflet. Target Date: May 2026. Lead: Partnership Manager.');
  });

  it('joins a paragraph split by a page break and ignores image leftovers', async () => {
    const doc = await parseDocumentBytes(
      'x.txt',
      Buffer.from('Strategy\n\nlogo\n\nThe partnership will review the strategy to ensure the right early help support is\n\nprovided to children at the right time.\n'),
    );
    expect(texts(doc.blocks)).toEqual(['The partnership will review the strategy to ensure the right early help support is provided to children at the right time.']);
  });
});

describe('other formats', () => {
  it('markdown: headings from the lexer, front matter as metadata', async () => {
    const md = '---\ntitle: Pond guide\nkind: guidance\npublished: 2024-06\n---\n# Ponds\n\nCover **all** ponds.\n\n## Checks\n\n- Monthly\n- After storms\n';
    const doc = await parseDocumentBytes('ponds.md', Buffer.from(md));
    expect(doc.meta).toMatchObject({ title: 'Pond guide', kind: 'guidance', published: '2024-06' });
    expect(headings(doc.blocks)).toEqual(['Ponds', 'Checks']);
    const chunks = chunkDocument(doc);
    expect(chunks.map((c) => c.headingPath)).toEqual([['Ponds'], ['Ponds', 'Checks']]);
    expect(chunks[1].text).toBe('- Monthly\n- After storms');
  });

  it('html: scripts and styles go, headings, lists and links stay', async () => {
    const html = '<html><head><style>p{}</style></head><body><script>alert("x")</script><h2>Training</h2><p>See <a href="https://example.org/t">the list</a>.</p><ul><li>Online safety</li><li>Neglect</li></ul></body></html>';
    const doc = await parseDocumentBytes('news.html', Buffer.from(html));
    expect(headings(doc.blocks)).toEqual(['Training']);
    const all = texts(doc.blocks).join('\n');
    expect(all).toContain('See the list (https://example.org/t).');
    expect(all).toContain('Online safety');
    expect(all).not.toMatch(/alert|p\{\}/);
  });

  it('pdf: text per page, page numbers kept for citations', async () => {
    const doc = await parseDocumentFile(path.join(fixtures, 'water-safety-leaflet.pdf'), { title: 'Water leaflet' });
    const chunks = chunkDocument(doc);
    const pond = chunks.find((c) => c.text.includes('rigid mesh'));
    expect(pond?.page).toBe(2);
    expect(pond?.headingPath).toEqual(['Garden ponds']);
    expect(chunks.find((c) => c.text.includes('Drowning is silent'))?.page).toBe(1);
  });

  it('docx: headings by Word style through mammoth', async () => {
    const doc = await parseDocumentFile(path.join(fixtures, 'bruising-protocol.docx'));
    expect(doc.meta.title).toBe('Bruising in Non-Mobile Babies Protocol');
    expect(headings(doc.blocks)).toEqual(['Bruising in Non-Mobile Babies Protocol', 'Who this applies to']);
    expect(texts(doc.blocks)[0]).toMatch(/not yet crawling/);
  });

  it.each(['corrupt.pdf', 'corrupt.docx'])('a corrupt %s fails with an error naming the file', async (name) => {
    const p = parseDocumentFile(path.join(fixtures, name));
    await expect(p).rejects.toBeInstanceOf(DocumentParseError);
    await expect(parseDocumentFile(path.join(fixtures, name))).rejects.toThrow(name);
  });

  it('an unsupported extension is refused by name', async () => {
    await expect(parseDocumentBytes('notes.xlsx', Buffer.from('x'))).rejects.toThrow(/notes\.xlsx.*unsupported/);
  });
});

describe('chunking', () => {
  it('never mixes sections, keeps passages near a paragraph, keeps a lead-in with its list', async () => {
    const long = Array.from({ length: 30 }, (_, i) => `Sentence number ${i} about pond safety and supervision.`).join(' ');
    const raw = `Ponds\n\n${long}\n\nChecks\n\nDo these checks:\n- one check\n- two check\n- three check\n`;
    const chunks = chunkDocument(await parseDocumentBytes('p.txt', Buffer.from(raw)));
    expect(chunks.every((c) => c.text.length <= 1100)).toBe(true);
    expect(chunks.filter((c) => c.headingPath[0] === 'Ponds').length).toBeGreaterThan(1);
    const checks = chunks.filter((c) => c.headingPath[0] === 'Checks');
    expect(checks).toHaveLength(1);
    expect(checks[0].text).toBe('Do these checks:\n- one check\n- two check\n- three check');
    expect(chunks.map((c) => c.id)).toEqual(chunks.map((_, i) => `p#${i}`));
  });
});
