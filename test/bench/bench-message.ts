import { digestMessage } from '../../cards/digest.card';
import type { OutgoingMessage } from '../../src/delivery/notifier';
import type { DigestRecord } from '../../src/digests/digest.types';
import { composeNewsletter } from '../../src/digests/newsletter.composer';

/** The real digest card for a realistic newsletter, so the benchmark moves production-sized payloads. */
export function benchMessage(): OutgoingMessage {
  const md = Array.from(
    { length: 12 },
    (_, i) =>
      `## Story ${i + 1}: updated multi-agency guidance\n\nThe partnership has refreshed its procedures for practitioners. Read the changes before your next supervision. [More](https://www.coventry.gov.uk/cscp/${i})`,
  ).join('\n\n');
  const c = composeNewsletter(`# CSCP Newsletter\n\n${md}`);
  const d: DigestRecord = {
    id: 'dg-bench',
    title: c.title ?? 'CSCP Newsletter',
    published: '2026-11-23',
    url: 'https://www.coventry.gov.uk/cscp/newsletter',
    items: c.items,
    totalItems: c.totalItems,
    format: c.format,
    status: 'sending',
    createdBy: 'bench',
    createdAt: '2026-11-23T09:00:00Z',
  };
  return digestMessage(d);
}
