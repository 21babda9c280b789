import type { OutgoingMessage } from '../../src/delivery/notifier';

/** A digest-sized message (about 4 KB of card JSON) so the benchmark moves realistic payloads. */
export function benchMessage(): OutgoingMessage {
  const items = Array.from({ length: 8 }, (_, i) => ({
    type: 'Container',
    separator: true,
    items: [
      { type: 'TextBlock', text: `Item ${i + 1}: updated multi-agency guidance`, weight: 'Bolder', wrap: true },
      { type: 'TextBlock', text: 'The partnership has refreshed its procedures. Practitioners should read the changes before their next supervision.', wrap: true },
    ],
  }));
  return {
    summary: 'CSCP newsletter',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          type: 'AdaptiveCard',
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          version: '1.5',
          body: [{ type: 'TextBlock', text: 'CSCP newsletter', size: 'Large', weight: 'Bolder', wrap: true }, ...items],
          actions: [{ type: 'Action.OpenUrl', title: 'Read the full newsletter', url: 'https://www.coventry.gov.uk/cscp' }],
        },
      },
    ],
  };
}
