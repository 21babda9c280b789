import * as fs from 'node:fs';
import { digestMessage, MAX_CARD_ITEMS } from '../../../cards/digest.card';
import { MAX_DIGEST_MESSAGE_BYTES } from '../../../src/digests/digest.service';
import type { DigestRecord } from '../../../src/digests/digest.types';
import { readNewsletterFile } from '../../../src/digests/newsletter-file';
import { composeNewsletter, type ComposedNewsletter } from '../../../src/digests/newsletter.composer';
import { FORMATS, fixturePath, render, type FixtureFormat } from '../../fixtures/newsletters/build';
import { SPECS, type FixtureSpec } from '../../fixtures/newsletters/specs';
import { validateCard } from '../../helpers/card-validator';

/**
 * Thirty newsletters (six shapes × plain text, markdown, HTML, Word, PDF; see test/fixtures/newsletters) read as a
 * reader reads them: the same title, stories, summaries and links whatever the format, and a card under 40 KB.
 */
const cases = SPECS.flatMap((spec) => FORMATS.map((format) => [spec.name, format, spec] as [string, FixtureFormat, FixtureSpec]));
const composed = new Map<string, ComposedNewsletter>();

async function compose(spec: FixtureSpec, format: FixtureFormat): Promise<ComposedNewsletter> {
  const key = `${spec.name}.${format}`;
  if (!composed.has(key)) {
    const file = fixturePath(spec, format);
    const read = await readNewsletterFile(file, fs.readFileSync(file));
    composed.set(key, composeNewsletter(read.content, read.format));
  }
  return composed.get(key)!;
}

function record(spec: FixtureSpec, c: ComposedNewsletter): DigestRecord {
  return {
    id: `dg-20261130-${spec.name}`,
    title: c.title ?? spec.title,
    published: '2026-11-30',
    url: 'https://www.coventry.gov.uk/cscp/newsletter',
    intro: c.intro,
    items: c.items,
    totalItems: c.totalItems,
    format: c.format,
    status: 'draft',
    createdBy: 'admin',
    createdAt: '2026-11-30T09:00:00Z',
  };
}

describe('newsletter fixtures: every input kind reads as a reader reads it', () => {
  it.each(cases)('%s.%s: title, introduction and every story (title, summary, links)', async (_name, format, spec) => {
    const c = await compose(spec, format);
    const stories = spec.sections.flatMap((s) => s.stories);
    expect(c.title).toBe(spec.title);
    expect(c.intro).toBe(spec.introSummary);
    expect(c.totalItems).toBe(stories.length);
    expect(c.items.map((i) => i.headline)).toEqual(stories.map((s) => s.title));
    expect(c.items.map((i) => i.summary)).toEqual(stories.map((s) => s.summary));
    expect(c.items.map((i) => i.links.map((l) => l.url))).toEqual(stories.map((s) => s.urls));
  });

  it.each(cases)('%s.%s: summaries carry no link-only text, each address appears once, links have readable names', async (_name, format, spec) => {
    const c = await compose(spec, format);
    const seen = new Set<string>();
    for (const item of c.items) {
      expect(item.summary).not.toMatch(/read more|click here|https?:\/\//i);
      for (const l of item.links) {
        expect(seen.has(l.url)).toBe(false);
        seen.add(l.url);
        expect(l.text).not.toMatch(/^(?:https?:\/\/|$)/);
        // The story's summary does not end by repeating a web link's words ("… Festive arrangements"); an e-mail
        // address in a contacts table is the text itself.
        if (!l.url.startsWith('mailto:')) expect(item.summary.replace(/[.!?]$/, '').endsWith(l.text)).toBe(false);
      }
    }
  });

  it.each(cases)('%s.%s: the digest card is valid Adaptive Card 1.5 and under 40 KB', async (_name, format, spec) => {
    const c = await compose(spec, format);
    const msg = digestMessage(record(spec, c));
    const bytes = Buffer.byteLength(JSON.stringify(msg));
    expect(bytes).toBeLessThan(MAX_DIGEST_MESSAGE_BYTES);
    expect(validateCard(msg.attachments[0].content)).toEqual([]);
    const json = JSON.stringify(msg);
    // Every story is on the card: the first MAX_CARD_ITEMS in full, the rest behind "Show N more stories".
    for (const item of c.items) expect(json).toContain(JSON.stringify(item.headline).slice(1, -1).replace(/([*_[\]`~])/g, '\\\\$1'));
    if (c.items.length > MAX_CARD_ITEMS) expect(json).toContain(`Show ${c.items.length - MAX_CARD_ITEMS} more stories`);
  });

  it.each(SPECS.flatMap((s) => (['txt', 'md', 'html'] as const).map((f) => [s.name, f, s] as const)))(
    '%s.%s pasted into the digest card (format detected) reads the same as the file',
    async (_name, format, spec) => {
      const pasted = composeNewsletter(fs.readFileSync(fixturePath(spec, format), 'utf8'), 'auto');
      const fromFile = await compose(spec, format);
      expect(pasted.items).toEqual(fromFile.items);
      expect(pasted.title).toBe(fromFile.title);
    },
  );

  it.each(SPECS.flatMap((s) => (['txt', 'md', 'html'] as const).map((f) => [s.name, f, s] as const)))('the committed %s.%s is what build.ts writes', async (_name, format, spec) => {
    expect(fs.readFileSync(fixturePath(spec, format), 'utf8')).toBe((await render(spec, format)).toString('utf8'));
  });
});
