import { PDFDocument } from 'pdf-lib';
import * as QRCode from 'qrcode';
import { UserInputError } from '../../../src/errors';
import { readNewsletterFile } from '../../../src/digests/newsletter-file';
import { composeNewsletter } from '../../../src/digests/newsletter.composer';

describe('newsletter files', () => {
  it('reads markdown and HTML as they are, and refuses other types with a clear message', async () => {
    expect(await readNewsletterFile('autumn.md', Buffer.from('## A\n\nText.'))).toEqual({ content: '## A\n\nText.', format: 'markdown' });
    expect((await readNewsletterFile('autumn.HTML', Buffer.from('<h2>A</h2><p>Text.</p>'))).format).toBe('html');
    await expect(readNewsletterFile('autumn.xlsx', Buffer.from('x'))).rejects.toThrow(/\.md, \.markdown.*not \.xlsx/);
    await expect(readNewsletterFile('broken.docx', Buffer.from('not a zip'))).rejects.toThrow(/could not read broken\.docx/);
  });

  it('reads a .txt file as plain text (titles found from layout, not markdown)', async () => {
    const f = await readNewsletterFile('winter.txt', Buffer.from('Neglect toolkit\nThe toolkit has been refreshed for every partner agency.\n'));
    expect(f.format).toBe('text');
    expect(composeNewsletter(f.content, f.format).items).toEqual([{ headline: 'Neglect toolkit', summary: 'The toolkit has been refreshed for every partner agency.', links: [] }]);
  });

  it('a PDF with no text (a scanned page) is refused with a clear message, not an empty digest', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage([595, 842]);
    page.drawImage(await doc.embedPng(await QRCode.toBuffer('scanned page')), { x: 50, y: 500, width: 200, height: 200 });
    const err = await readNewsletterFile('scan.pdf', Buffer.from(await doc.save())).catch((e) => e);
    expect(err).toBeInstanceOf(UserInputError);
    expect(err.message).toBe('scan.pdf has no text I can read (is it a scanned image?). Paste the newsletter\'s text instead.');
    await expect(readNewsletterFile('broken.pdf', Buffer.from('%PDF-1.7 not really'))).rejects.toThrow(/could not read broken\.pdf/);
  });

  it('turns an HTML newsletter file into digest items', async () => {
    const f = await readNewsletterFile('n.html', Buffer.from('<h1>Winter</h1><h2>Neglect toolkit</h2><p>New toolkit. Use it.</p><h2>Courses</h2><p>Book now.</p>'));
    const c = composeNewsletter(f.content, f.format);
    expect(c.title).toBe('Winter');
    expect(c.items.map((i) => i.headline)).toEqual(['Neglect toolkit', 'Courses']);
  });
});
