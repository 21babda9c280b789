import { readNewsletterFile } from '../../../src/digests/newsletter-file';
import { composeNewsletter } from '../../../src/digests/newsletter.composer';

describe('newsletter files', () => {
  it('reads markdown and HTML as they are, and refuses other types with a clear message', async () => {
    expect(await readNewsletterFile('autumn.md', Buffer.from('## A\n\nText.'))).toEqual({ content: '## A\n\nText.', format: 'markdown' });
    expect((await readNewsletterFile('autumn.HTML', Buffer.from('<h2>A</h2><p>Text.</p>'))).format).toBe('html');
    await expect(readNewsletterFile('autumn.xlsx', Buffer.from('x'))).rejects.toThrow(/\.md, \.markdown.*not \.xlsx/);
    await expect(readNewsletterFile('broken.docx', Buffer.from('not a zip'))).rejects.toThrow(/could not read broken\.docx/);
  });

  it('turns an HTML newsletter file into digest items', async () => {
    const f = await readNewsletterFile('n.html', Buffer.from('<h1>Winter</h1><h2>Neglect toolkit</h2><p>New toolkit. Use it.</p><h2>Courses</h2><p>Book now.</p>'));
    const c = composeNewsletter(f.content, f.format);
    expect(c.title).toBe('Winter');
    expect(c.items.map((i) => i.headline)).toEqual(['Neglect toolkit', 'Courses']);
  });
});
