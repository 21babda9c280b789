import { DateTime } from 'luxon';
import type { DigestRecord } from '../src/digests/digest.types';
import { adaptiveCard, cardAttachment, submitAction, text, type AdaptiveCard, type CardElement } from './card';

/** Stories shown on the card; the rest are behind "Read the full newsletter" (keeps the card far under 100 KB). */
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

/** The question "Ask me about this" puts to the Q&A for one story (or the whole newsletter). */
export function askQuestion(digest: Pick<DigestRecord, 'title'>, headline?: string): string {
  return headline ? `What does the ${digest.title} newsletter say about "${headline}"?` : `What is in the ${digest.title} newsletter?`;
}

/** The body elements of the digest (shared by the subscriber's card and the admin's preview). */
export function digestBody(d: DigestRecord): CardElement[] {
  const shown = d.items.slice(0, MAX_CARD_ITEMS);
  const more = Math.max(0, d.totalItems - shown.length);
  const body: CardElement[] = [
    text(plain(d.title), { size: 'Large', weight: 'Bolder', style: 'heading' }),
    text(`CSCP newsletter · ${publishedLabel(d.published)}`, { isSubtle: true, spacing: 'None' }),
  ];
  if (d.intro) body.push(text(plain(d.intro)));
  shown.forEach((item, i) => {
    const items: CardElement[] = [text(plain(item.headline), { weight: 'Bolder' })];
    if (item.summary) items.push(text(plain(item.summary), { spacing: 'Small' }));
    if (item.links.length) {
      items.push(text(item.links.map((l) => `[${linkText(l.text)}](${l.url})`).join(' · '), { spacing: 'Small', size: 'Small' }));
    }
    items.push({
      type: 'ActionSet',
      spacing: 'Small',
      actions: [{ ...submitAction('Ask me about this', 'ask', { question: askQuestion(d, item.headline) }), id: `ask-${i}` }],
    });
    body.push({ type: 'Container', separator: true, spacing: 'Medium', items });
  });
  if (more > 0) {
    body.push(text(d.url ? `…and ${more} more ${more === 1 ? 'story' : 'stories'} in the full newsletter.` : `…and ${more} more ${more === 1 ? 'story' : 'stories'}.`, { isSubtle: true, separator: true }));
  }
  return body;
}

/** The footer actions every subscriber gets. */
export function digestActions(d: DigestRecord): CardElement[] {
  return [
    ...(d.url ? [{ type: 'Action.OpenUrl', title: 'Read the full newsletter', url: d.url }] : []),
    submitAction('Ask me about this newsletter', 'ask', { question: askQuestion(d) }),
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
