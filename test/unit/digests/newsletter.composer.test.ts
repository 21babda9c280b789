import { UserInputError } from '../../../src/errors';
import { composeNewsletter, MAX_INPUT_CHARS, MAX_STORED_ITEMS } from '../../../src/digests/newsletter.composer';

describe('newsletter composition', () => {
  it('splits markdown by heading: title from the single h1, one item per h2 with a 1–2 sentence summary and its links', () => {
    const md = [
      '# CSCP Newsletter — Autumn 2026',
      'Welcome to the autumn edition.',
      '## New threshold guidance',
      'Coventry has published new guidance. It replaces Right Help Right Time. Read it on [the CSCP website](https://www.coventry.gov.uk/cscp) before supervision. A fourth sentence.',
      '### Detail',
      'Sub-section text that should not lead the summary.',
      '## Training dates',
      '- Professional curiosity, 12 November',
      '- Neglect toolkit, 3 December',
      '',
      'Book at [the training page](https://www.coventry.gov.uk/training).',
    ].join('\n\n');
    const r = composeNewsletter(md);
    expect(r.title).toBe('CSCP Newsletter — Autumn 2026');
    expect(r.intro).toBe('Welcome to the autumn edition.');
    expect(r.items.map((i) => i.headline)).toEqual(['New threshold guidance', 'Training dates']);
    expect(r.items[0].summary).toBe('Coventry has published new guidance. It replaces Right Help Right Time.');
    expect(r.items[0].links).toEqual([{ text: 'the CSCP website', url: 'https://www.coventry.gov.uk/cscp' }]);
    expect(r.items[1].summary).toContain('Professional curiosity, 12 November; Neglect toolkit, 3 December.');
    expect(r.items[1].links[0].url).toBe('https://www.coventry.gov.uk/training');
  });

  it('without any titles makes one item per paragraph: a bold lead-in is its title, a plain paragraph has none', () => {
    const md = [
      '**Domestic abuse training.** New sessions open in January. Places are limited.',
      'The partnership thanks everyone who came to the conference in June. Slides are now online for all delegates. More soon.',
    ].join('\n\n');
    const r = composeNewsletter(md, 'markdown');
    expect(r.items).toHaveLength(2);
    expect(r.items[0]).toMatchObject({ headline: 'Domestic abuse training', summary: 'New sessions open in January. Places are limited.' });
    // A paragraph is not a title: no sentence of it is promoted to one.
    expect(r.items[1].headline).toBe('');
    expect(r.items[1].summary).toBe('The partnership thanks everyone who came to the conference in June. Slides are now online for all delegates.');
  });

  it('cleans HTML: scripts and styles stripped, bold paragraphs as headings, only http(s)/mailto links kept, malformed markup tolerated', () => {
    const html = `<html><head><style>p{color:red}</style><script>steal()</script></head><body>
      <p><strong>Private fostering</strong></p><p>Tell us about arrangements. <a href="javascript:alert(1)">Bad</a> or <a href="https://example.org/pf">read more</a>.
      <script>alert('x')</script><div><span>unclosed text.`;
    const r = composeNewsletter(html);
    expect(r.format).toBe('html');
    const all = JSON.stringify(r);
    expect(all).not.toMatch(/steal|alert|color:red|javascript:/);
    expect(r.items[0].headline).toBe('Private fostering');
    expect(r.items[0].links).toEqual([{ text: 'Read more', url: 'https://example.org/pf' }]);
  });

  it('plain text pasted from an e-mail: short lines above body text are titles, paragraphs are not, "Read more: URL" is a link', () => {
    const text = [
      'Neglect toolkit relaunched',
      'The graded care profile has been refreshed. Practitioners should use it for every neglect assessment from November. It replaces the 2019 version.',
      'Read more: https://www.coventry.gov.uk/neglect',
      'Escalation policy reminder',
      'If you disagree with a decision about a child, talk to the worker first. Then follow the escalation policy.',
      'The policy has four stages and each should be recorded on the child’s file.',
    ].join('\n');
    const r = composeNewsletter(text);
    expect(r.items.map((i) => i.headline)).toEqual(['Neglect toolkit relaunched', 'Escalation policy reminder']);
    expect(r.items[0]).toEqual({
      headline: 'Neglect toolkit relaunched',
      summary: 'The graded care profile has been refreshed. Practitioners should use it for every neglect assessment from November.',
      links: [{ text: 'Read more', url: 'https://www.coventry.gov.uk/neglect' }],
    });
    expect(r.items[1].summary).toBe('If you disagree with a decision about a child, talk to the worker first. Then follow the escalation policy.');
  });

  it('a link after the body ("… Festive arrangements") is not part of the summary, and appears once', () => {
    const html = `<h2>Festive period</h2><p>Services run reduced hours over Christmas. The MASH is open every day. <a href="https://www.coventry.gov.uk/festive">Festive arrangements</a></p>
      <h2>Safer sleep</h2><p>Babies sleep safest on their backs.</p><p><a href="https://www.coventry.gov.uk/festive">Festive arrangements</a> <a href="https://www.coventry.gov.uk/sleep">Safer sleep guide</a></p>`;
    const r = composeNewsletter(html);
    expect(r.items[0]).toEqual({
      headline: 'Festive period',
      summary: 'Services run reduced hours over Christmas. The MASH is open every day.',
      links: [{ text: 'Festive arrangements', url: 'https://www.coventry.gov.uk/festive' }],
    });
    // The second story does not repeat the first one's link.
    expect(r.items[1].links).toEqual([{ text: 'Safer sleep guide', url: 'https://www.coventry.gov.uk/sleep' }]);
  });

  it('e-mail furniture is not news: preview text, "view in browser", unsubscribe and social lines are dropped', () => {
    const html = `<div style="display:none;max-height:0;overflow:hidden">Preview text here</div><p><a href="https://x.gd/view">View this email in your browser</a></p>
      <p><strong>Neglect toolkit</strong></p><p>The toolkit has been refreshed for all partners.</p>
      <p><a href="https://www.facebook.com/cscp">Facebook</a> | <a href="https://x.com/cscp">X</a></p><p>You are receiving this email because you subscribed. <a href="https://x.gd/unsub">Unsubscribe</a></p>`;
    const r = composeNewsletter(`${html}<p>Twitter logo</p><p>For the latest news follow us on our Twitter account, updated every week by the team.</p>`);
    expect(r.items).toEqual([{ headline: 'Neglect toolkit', summary: 'The toolkit has been refreshed for all partners. For the latest news follow us on our Twitter account, updated every week by the team.', links: [] }]);
    expect(r.markdown).not.toMatch(/Preview text/);
  });

  it('strips raw HTML scripts from markdown', () => {
    const r = composeNewsletter('## News\n\nHello there.\n\n<script>alert(1)</script>\n\n<iframe src="x"></iframe>');
    expect(JSON.stringify(r)).not.toMatch(/alert|iframe/);
    expect(r.markdown).not.toMatch(/<script/);
  });

  it('gives clear errors for empty, oversized and unreadable input', () => {
    expect(() => composeNewsletter('   ')).toThrow(UserInputError);
    expect(() => composeNewsletter('   ')).toThrow(/empty/);
    expect(() => composeNewsletter('x'.repeat(MAX_INPUT_CHARS + 1))).toThrow(/too large/);
    // Plain text over the stored limit is refused before it is read (a pasted 1.9 MB line once took 19 s).
    expect(() => composeNewsletter('Read more: https://www.coventry.gov.uk/x and more. '.repeat(8000))).toThrow(/too long .*Paste the stories you want/);
    expect(() => composeNewsletter('<html><script>var a=1;</script><style>b{}</style></html>')).toThrow(/readable text/);
  });

  it('keeps a huge newsletter bounded: items capped, total counted', () => {
    const md = Array.from({ length: 300 }, (_, i) => `## Story ${i}\n\n${'Long sentence about safeguarding practice. '.repeat(15)}`).join('\n\n');
    const r = composeNewsletter(md);
    expect(r.totalItems).toBe(300);
    expect(r.items).toHaveLength(MAX_STORED_ITEMS);
    for (const i of r.items) expect(i.summary.length).toBeLessThanOrEqual(300);
  });
});
