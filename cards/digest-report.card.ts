import type { DigestReport } from '../src/digests/digest.types';
import { formatLondon } from '../src/digests/london-time';
import { adaptiveCard, heading, submitAction, text, type AdaptiveCard, type CardElement } from './card';
import { plain, publishedLabel } from './digest.card';

const STATUS: Record<string, string> = { draft: 'Draft', scheduled: 'Scheduled', sending: 'Sending', sent: 'Sent', cancelled: 'Cancelled' };

/** `digest report`: past digests with their delivery figures, newest first. */
export function buildDigestReportListCard(reports: DigestReport[]): AdaptiveCard {
  const body: CardElement[] = [heading('Newsletter digests')];
  if (!reports.length) body.push(text('No digests yet.', { isSubtle: true }));
  for (const { digest: d, progress: p } of reports) {
    const c = p ?? d.counts;
    const figures = c
      ? `${c.sent.toLocaleString('en-GB')} sent · ${c.failed} failed · ${c.blocked} blocked${c.unreachable ? ` · ${c.unreachable} unreachable` : ''}`
      : '';
    const when =
      d.status === 'scheduled' && d.scheduledFor ? `for ${formatLondon(d.scheduledFor)}` : d.finishedAt ? formatLondon(d.finishedAt) : `published ${publishedLabel(d.published)}`;
    body.push({
      type: 'Container',
      separator: true,
      items: [
        text(plain(d.title), { weight: 'Bolder' }),
        text([`${STATUS[d.status] ?? d.status} ${when}`, figures].filter(Boolean).join(' — '), { isSubtle: true, spacing: 'None', size: 'Small' }),
        // A draft opens as its preview (Send now, Schedule, Cancel); any other digest as its state and figures.
        { type: 'ActionSet', actions: [{ ...submitAction(d.status === 'draft' ? 'Preview' : 'Details', 'digestReport', { digestId: d.id }), id: `report-${d.id}` }] },
      ],
    });
  }
  return adaptiveCard(body);
}
