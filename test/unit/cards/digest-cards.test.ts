import { buildDigestCard, MAX_CARD_ITEMS, digestMessage } from '../../../cards/digest.card';
import { buildDigestCreateCard } from '../../../cards/digest-create.card';
import { parseDigestCreateSubmit } from '../../../cards/digest-create.submit';
import { buildDigestPreviewCard } from '../../../cards/digest-preview.card';
import { parseDigestPreviewSubmit } from '../../../cards/digest-preview.submit';
import { buildDigestStatusCard } from '../../../cards/digest-progress.card';
import { buildDigestReportListCard } from '../../../cards/digest-report.card';
import { parseAskSubmit, parseSubscriptionSubmit } from '../../../cards/digest.submit';
import { buildSubscriptionCard } from '../../../cards/subscription.card';
import type { DeliveryProgress } from '../../../src/delivery/delivery.progress';
import type { DigestRecord } from '../../../src/digests/digest.types';
import { composeNewsletter } from '../../../src/digests/newsletter.composer';
import { validateCard } from '../../helpers/card-validator';

function digest(over: Partial<DigestRecord> = {}): DigestRecord {
  const c = composeNewsletter(Array.from({ length: 12 }, (_, i) => `## Story ${i} [x]\n\nFirst *sentence* ${i}. Second sentence. [Link](https://example.org/${i})`).join('\n\n'));
  return {
    id: 'dg-20261020-abc123',
    title: 'CSCP Newsletter Autumn 2026',
    published: '2026-10-20',
    url: 'https://www.coventry.gov.uk/cscp/newsletter',
    items: c.items,
    totalItems: c.totalItems,
    format: 'markdown',
    status: 'draft',
    createdBy: 'admin-1',
    createdAt: '2026-10-20T10:00:00Z',
    ...over,
  };
}
const progress: DeliveryProgress = {
  jobId: 'j', total: 3400, sent: 1200, pending: 2190, retrying: 0, failed: 4, blocked: 6, unreachable: 0, tooLarge: 0, skipped: 0, refound: 0, reasons: [], ratePerSecond: 48.5, etaSeconds: 45, done: false,
};
const finished = (over: Partial<DeliveryProgress>): DeliveryProgress => ({ ...progress, failed: 0, blocked: 0, pending: 0, etaSeconds: 0, done: true, ...over });

const actions = (card: unknown) => JSON.stringify(card);

describe('digest cards', () => {
  it('digest card: title, date, capped items with Ask buttons, full-newsletter link, Unsubscribe; valid and small', () => {
    const card = buildDigestCard(digest());
    expect(validateCard(card)).toEqual([]);
    const json = actions(card);
    expect(json).toContain('20 October 2026');
    expect(json.match(/"verb":"ask"/g)).toHaveLength(MAX_CARD_ITEMS + 1);
    // The four stories past the first eight are behind "Show 4 more stories", with their summaries and links.
    expect(json).toContain('"title":"Show 4 more stories"');
    expect(json).toContain('First sentence 11. Second sentence.');
    expect(json).not.toContain('more stories in the full newsletter');
    // Stories the record does not keep are counted and left to the full newsletter.
    expect(JSON.stringify(buildDigestCard(digest({ totalItems: 52 })))).toContain('…and 40 more stories in the full newsletter.');
    expect(json).toContain('"Action.OpenUrl"');
    expect(json).toContain('"verb":"unsubscribe"');
    expect(Buffer.byteLength(JSON.stringify(digestMessage(digest())))).toBeLessThan(28_000);
    expect(parseAskSubmit({ verb: 'ask', question: 'What does it say?' })).toEqual({ verb: 'ask', question: 'What does it say?' });
    expect(parseSubscriptionSubmit({ verb: 'unsubscribe' })).toEqual({ verb: 'unsubscribe' });
  });

  it('a huge newsletter still gives a card well under 100 KB', () => {
    const c = composeNewsletter(Array.from({ length: 100 }, (_, i) => `## ${'Very long headline '.repeat(20)} ${i}\n\n${'Sentence. '.repeat(100)} [l](https://example.org/${i})`).join('\n\n'));
    const msg = digestMessage(digest({ items: c.items, totalItems: c.totalItems }));
    expect(Buffer.byteLength(JSON.stringify(msg))).toBeLessThan(30_000);
    expect(validateCard(msg.attachments[0].content)).toEqual([]);
  });

  it('create card and its submission schema (inputs arrive as strings)', () => {
    const card = buildDigestCreateCard({ requestId: 'r1', values: { title: 'T' }, errors: { url: 'a link starting with https://' } });
    expect(validateCard(card)).toEqual([]);
    expect(actions(card)).toContain('a link starting with https://');
    const parsed = parseDigestCreateSubmit({ verb: 'digestCreate', requestId: 'r1', title: ' Autumn ', published: '', url: '', format: 'html', content: '<p>x</p>' });
    expect(parsed).toEqual({ verb: 'digestCreate', requestId: 'r1', title: 'Autumn', published: undefined, url: undefined, format: 'html', content: '<p>x</p>' });
    expect(parseDigestCreateSubmit({ verb: 'digestCreate', requestId: 'r1', format: 'weird' })?.format).toBe('auto');
    expect(parseDigestCreateSubmit({ verb: 'other' })).toBeUndefined();
  });

  it('preview card shows the subscriber card plus Send now / Schedule / Cancel', () => {
    // With nobody subscribed yet the banner does not speak of "0 subscribers".
    expect(JSON.stringify(buildDigestPreviewCard(digest(), { subscriberCount: 0 }))).toContain('No one has subscribed yet; this is exactly the card subscribers will get.');
    const card = buildDigestPreviewCard(digest(), { subscriberCount: 3400, errors: { time: 'in the past' } });
    expect(validateCard(card)).toEqual([]);
    const json = actions(card);
    for (const verb of ['digestSend', 'digestSchedule', 'digestCancel']) expect(json).toContain(`"verb":"${verb}"`);
    expect(json).toContain('Input.Date');
    expect(json).toContain('Input.Time');
    expect(json).toContain('3,400 subscribers');
    expect(parseDigestPreviewSubmit({ verb: 'digestSchedule', digestId: 'dg-1', scheduleDate: '2026-10-25', scheduleTime: '09:00' })).toEqual({
      verb: 'digestSchedule',
      digestId: 'dg-1',
      scheduleDate: '2026-10-25',
      scheduleTime: '09:00',
    });
    expect(parseDigestPreviewSubmit({ verb: 'digestSend' })).toBeUndefined();
  });

  it('status cards: scheduled, sending (progress), sent (report), cancelled; report list; subscription state', () => {
    const cards = [
      buildDigestStatusCard(digest({ status: 'scheduled', scheduledFor: '2026-10-25T09:00:00.000Z' })),
      buildDigestStatusCard(digest({ status: 'sending', jobId: 'j' }), progress),
      buildDigestStatusCard(digest({ status: 'sent', finishedAt: '2026-10-25T09:02:00Z' }), { ...progress, sent: 3390, pending: 0, done: true, etaSeconds: 0 }),
      buildDigestStatusCard(digest({ status: 'cancelled' })),
      buildDigestReportListCard([{ digest: digest({ status: 'sent', counts: { total: 3400, sent: 3390, failed: 4, blocked: 6, unreachable: 0, tooLarge: 0, skipped: 0 } }) }]),
      buildDigestReportListCard([]),
      buildSubscriptionCard({ kind: 'user', subscribed: true }),
      buildSubscriptionCard({ kind: 'channel', subscribed: false, changed: false }),
    ];
    for (const c of cards) expect(validateCard(c)).toEqual([]);
    expect(actions(cards[0])).toContain('Sunday 25 October 2026, 09:00'); // GMT after the clocks go back
    expect(actions(cards[1])).toMatch(/1,200 of 3,400.*Pending.*2,190.*48.5 messages\/s.*about 45 s/);
    expect(actions(cards[2])).toContain('Delivery report');
    expect(actions(cards[6])).toContain('"verb":"unsubscribe"');
    expect(actions(cards[7])).toContain('"verb":"subscribe"');
  });

  it('an unsubscribe asked in other words is confirmed: the state, whose subscription it changes, and the button', () => {
    const subscribed = buildSubscriptionCard({ kind: 'user', subscribed: true, confirm: true });
    const not = buildSubscriptionCard({ kind: 'user', subscribed: false, confirm: true });
    const channel = buildSubscriptionCard({ kind: 'channel', subscribed: true, confirm: true });
    for (const c of [subscribed, not, channel]) expect(validateCard(c)).toEqual([]);
    expect(JSON.stringify(subscribed.body)).toContain('You are subscribed');
    expect(JSON.stringify(subscribed.body)).toContain('I can change only your own subscription');
    expect(JSON.stringify(subscribed.actions)).toContain('"verb":"unsubscribe"');
    expect(JSON.stringify(not.body)).toContain('Nothing to stop here. I can change only your own subscription');
    expect(JSON.stringify(not.actions)).toContain('"verb":"subscribe"');
    expect(JSON.stringify(channel.body)).toContain('stop the digest posts in this channel for everyone here');
    expect(JSON.stringify(channel.body)).toContain('To stop your own digest, type **unsubscribe** in your 1:1 chat with me');
    // Without `confirm` the card says nothing of it.
    expect(JSON.stringify(buildSubscriptionCard({ kind: 'user', subscribed: true }).body)).not.toContain('Tap');
  });

  it('the report says in words and colour what its numbers say: all green only when everyone got it', () => {
    const columns = (card: any) => card.body.find((b: any) => b.type === 'ColumnSet').columns.map((c: any) => [c.style, c.width]);
    const headline = (card: any) => card.body[1];

    const all = buildDigestStatusCard(digest({ status: 'sent' }), finished({ total: 3, sent: 3 }));
    expect(headline(all)).toMatchObject({ text: 'Delivery report: sent to all 3', color: 'Good' });
    expect(columns(all)).toEqual([['good', '100']]);
    expect(actions(all)).not.toContain('digestRetry');

    // The case from the issue: one subscriber, whose chat had gone. Not green, not "sent", and it can be retried.
    const none = buildDigestStatusCard(digest({ status: 'sent' }), finished({ total: 1, sent: 0, unreachable: 1, reasons: [{ code: 'http_404_ConversationNotFound', count: 1 }] }));
    expect(validateCard(none)).toEqual([]);
    expect(headline(none)).toMatchObject({ text: 'Delivery report: 0 of 1 sent, 1 not delivered', color: 'Attention' });
    expect(columns(none)).toEqual([['attention', '100']]);
    expect(actions(none)).toContain('1 × chat gone, and it could not be created again (404 ConversationNotFound)');
    expect(actions(none)).toContain('Unreachable (chat gone, not re-created)');
    expect(actions(none)).toMatch(/"title":"Retry the 1 not delivered","data":\{"verb":"digestRetry","digestId":"dg-20261020-abc123"\}/);
    expect(parseDigestPreviewSubmit({ verb: 'digestRetry', digestId: 'dg-1' })).toEqual({ verb: 'digestRetry', digestId: 'dg-1' });

    const mixed = buildDigestStatusCard(digest({ status: 'sent' }), finished({ total: 10, sent: 6, failed: 1, blocked: 1, skipped: 2, refound: 1, reasons: [{ code: 'http_400', count: 1 }] }));
    expect(validateCard(mixed)).toEqual([]);
    expect(headline(mixed)).toMatchObject({ text: 'Delivery report: 6 of 10 sent, 2 not delivered', color: 'Warning' });
    expect(columns(mixed)).toEqual([['good', '60'], ['attention', '20'], ['default', '20']]);
    expect(actions(mixed)).toContain('Of those, to a re-created chat');
    expect(actions(mixed)).toContain('Blocked the bot (still subscribed)');
    expect(actions(mixed)).toContain('Retry the 1 not delivered');

    // While sending, the pending part is its own (blue) segment and nothing is called a report yet.
    const sending = buildDigestStatusCard(digest({ status: 'sending', jobId: 'j' }), { ...progress, failed: 0, blocked: 0, pending: 2200, retrying: 10 });
    expect(validateCard(sending)).toEqual([]);
    expect(headline(sending)).toMatchObject({ text: 'Sending…' });
    expect(columns(sending).map((c: string[]) => c[0])).toEqual(['good', 'emphasis']);
    expect(actions(sending)).toContain('2,200 (10 waiting to retry)');
    expect(actions(sending)).not.toContain('digestRetry');
  });
});
