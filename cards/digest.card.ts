import { DateTime } from 'luxon';
import type { DigestRecord } from '../src/digests/digest.types';
import type { DigestItem } from '../src/digests/newsletter.composer';
import { adaptiveCard, cardAttachment, submitAction, text, type AdaptiveCard, type CardElement } from './card';

/** Stories shown in full on the card; the rest are behind "Show N more stories" (keeps the card far under 100 KB). */
export const MAX_CARD_ITEMS = 8;

/** Admin-written newsletter text: keep it plain (no accidental headings, lists or links), but readable. */
export function plain(s: string): string {
  return s
    .replace(/[<>]/g, '')
    .replace(/([*_[\]`~])/g, '\\$1')
    .replace(/^(\s*)([#+-]|\d+\.)(\s)/, '$1\\$2$3');
}

const linkText = (s: string) => s.replace(/[[\]]/g, '').slice(0, 80);

export function publishedLabel(published: string): string {
  const d = DateTime.fromISO(published);
  return d.isValid ? d.toFormat('d LLLL yyyy') : published;
}

/** The id the newsletter has in the guidance index once published (bot/features/digests/newsletter-ingest.ts). */
export function newsletterDocId(digest: Pick<DigestRecord, 'id'>): string {
  return `newsletter-${digest.id}`;
}

/** The question "Ask me about this" puts to the Q&A for one story (or the whole newsletter). */
export function askQuestion(digest: Pick<DigestRecord, 'title'>, topic?: string): string {
  return topic ? `What does the ${digest.title} newsletter say about "${topic}"?` : `What is in the ${digest.title} newsletter?`;
}

/** What a story is about, for its Ask button: its title, or the opening words of a story the newsletter left untitled. */
export function itemTopic(item: DigestItem): string {
  if (item.headline) return item.headline;
  const words = item.summary.replace(/[.!?:].*$/, '').split(/\s+/);
  return words.length > 10 ? `${words.slice(0, 10).join(' ')}…` : words.join(' ');
}

const linksLine = (item: DigestItem, extra: Record<string, unknown> = {}): CardElement[] =>
  item.links.length ? [text(item.links.map((l) => `[${linkText(l.text)}](${l.url})`).join(' · '), { spacing: 'Small', size: 'Small', ...extra })] : [];

/** One story on the card: its title (when it has one), its summary, its links, and "Ask me about this". */
function storyContainer(d: DigestRecord, item: DigestItem, i: number): CardElement {
  const items: CardElement[] = [];
  if (item.headline) items.push(text(plain(item.headline), { weight: 'Bolder' }));
  if (item.summary) items.push(text(plain(item.summary), { spacing: item.headline ? 'Small' : 'None' }));
  items.push(...linksLine(item));
  items.push({
    type: 'ActionSet',
    spacing: 'Small',
    actions: [{ ...submitAction('Ask me about this', 'ask', { question: askQuestion(d, itemTopic(item)), docId: newsletterDocId(d) }), id: `ask-${i}` }],
  });
  return { type: 'Container', separator: true, spacing: 'Medium', items };
}

/**
 * The stories after the first MAX_CARD_ITEMS, behind "Show N more stories": titles with summaries when they fit the
 * card's budget, titles alone when they do not (the card as a whole stays under MAX_CARD_BYTES).
 */
function moreStories(d: DigestRecord, rest: DigestItem[], budget: number): CardElement[] {
  const asCard = (full: boolean): CardElement => ({
    type: 'ActionSet',
    separator: true,
    spacing: 'Medium',
    actions: [
      {
        type: 'Action.ShowCard',
        title: `Show ${rest.length} more ${rest.length === 1 ? 'story' : 'stories'}`,
        card: {
          type: 'AdaptiveCard',
          body: rest.map((item, i) => ({
            type: 'Container',
            spacing: 'Small',
            separator: i > 0,
            items: [
              ...(item.headline ? [text(plain(item.headline), { weight: 'Bolder', size: 'Small' })] : []),
              ...(full && item.summary ? [text(plain(item.summary), { size: 'Small', spacing: 'None' })] : []),
              ...(full ? linksLine(item, { spacing: 'None' }) : []),
              ...(!item.headline && !full ? [text(plain(itemTopic(item)), { size: 'Small' })] : []),
            ],
          })),
        },
      },
    ],
  });
  for (const full of [true, false]) {
    const el = asCard(full);
    if (Buffer.byteLength(JSON.stringify(el)) <= budget) return [el];
  }
  return [];
}

/** Teams refuses messages over 100 KB; a digest card stays under this (src/digests/digest.service.ts checks it too). */
export const MAX_CARD_BYTES = 36_000;

/** The body elements of the digest (shared by the subscriber's card and the admin's preview). */
export function digestBody(d: DigestRecord): CardElement[] {
  const shown = d.items.slice(0, MAX_CARD_ITEMS);
  const rest = d.items.slice(MAX_CARD_ITEMS);
  const body: CardElement[] = [
    text(plain(d.title), { size: 'Large', weight: 'Bolder', style: 'heading' }),
    text(`CSCP newsletter · ${publishedLabel(d.published)}`, { isSubtle: true, spacing: 'None' }),
  ];
  if (d.intro) body.push(text(plain(d.intro)));
  shown.forEach((item, i) => body.push(storyContainer(d, item, i)));
  const more = rest.length ? moreStories(d, rest, MAX_CARD_BYTES - Buffer.byteLength(JSON.stringify(body)) - 2_000) : [];
  body.push(...more);
  // Stories the record does not keep (past MAX_STORED_ITEMS), or that did not fit, are in the full newsletter.
  const unseen = d.totalItems - shown.length - (more.length ? rest.length : 0);
  if (unseen > 0) {
    const n = `${unseen} more ${unseen === 1 ? 'story' : 'stories'}`;
    body.push(text(d.url ? `…and ${n} in the full newsletter.` : `…and ${n}.`, { isSubtle: true, separator: !more.length }));
  }
  return body;
}

/** The footer actions every subscriber gets. */
export function digestActions(d: DigestRecord): CardElement[] {
  return [
    ...(d.url ? [{ type: 'Action.OpenUrl', title: 'Read the full newsletter', url: d.url }] : []),
    submitAction('Ask me about this newsletter', 'ask', { question: askQuestion(d), docId: newsletterDocId(d) }),
    submitAction('Unsubscribe', 'unsubscribe'),
  ];
}

/** The card each subscriber receives for one newsletter. */
export function buildDigestCard(d: DigestRecord): AdaptiveCard {
  return adaptiveCard(digestBody(d), digestActions(d));
}

export function digestMessage(d: DigestRecord) {
  return { summary: `CSCP newsletter: ${d.title}`, attachments: [cardAttachment(buildDigestCard(d))] };
}
