import type { DeliveryProgress } from '../src/delivery/delivery.progress';
import { formatLondon } from '../src/digests/london-time';
import type { DigestRecord } from '../src/digests/digest.types';
import { adaptiveCard, submitAction, text, type AdaptiveCard, type CardElement } from './card';
import { plain } from './digest.card';

function eta(seconds: number | undefined): string {
  if (seconds === undefined) return 'working it out…';
  if (seconds <= 0) return 'done';
  if (seconds < 90) return `about ${Math.max(1, Math.round(seconds))} s`;
  return `about ${Math.round(seconds / 60)} min`;
}

const fact = (title: string, value: string) => ({ title, value });

/** Sent / pending / failed / blocked with rate and ETA while sending; the delivery report once done. */
function progressFacts(p: DeliveryProgress, done: boolean): CardElement {
  const notDelivered = p.gone + p.tooLarge;
  const facts = [
    fact('Sent', `${p.sent.toLocaleString('en-GB')} of ${p.total.toLocaleString('en-GB')}`),
    ...(done ? [] : [fact('Pending', p.pending.toLocaleString('en-GB'))]),
    fact('Failed', p.failed.toLocaleString('en-GB')),
    fact('Blocked (unsubscribed)', p.blocked.toLocaleString('en-GB')),
    ...(notDelivered ? [fact('Not delivered (chat gone / too large)', `${p.gone} / ${p.tooLarge}`)] : []),
    ...(p.skipped ? [fact('Skipped (unsubscribed before sending)', String(p.skipped))] : []),
    ...(done ? [] : [fact('Rate', p.ratePerSecond ? `${p.ratePerSecond} messages/s` : 'starting…'), fact('Time left', eta(p.etaSeconds))]),
  ];
  return { type: 'FactSet', facts };
}

function bar(p: DeliveryProgress): CardElement {
  const donePct = p.total ? Math.round(((p.total - p.pending) / p.total) * 100) : 100;
  const columns: CardElement[] = [];
  if (donePct > 0) columns.push({ type: 'Column', width: String(donePct), style: 'good', minHeight: '10px', items: [] });
  if (donePct < 100) columns.push({ type: 'Column', width: String(100 - donePct), style: 'emphasis', minHeight: '10px', items: [] });
  return { type: 'ColumnSet', spacing: 'Small', columns };
}

/**
 * The admin's card after the preview, replaced in place as the digest moves on: scheduled (with Cancel),
 * sending (progress), sent (the delivery report) or cancelled.
 */
export function buildDigestStatusCard(d: DigestRecord, p?: DeliveryProgress): AdaptiveCard {
  const title = text(plain(d.title), { size: 'Medium', weight: 'Bolder' });
  switch (d.status) {
    case 'scheduled':
      return adaptiveCard(
        [title, text(`Scheduled for ${d.scheduledFor ? formatLondon(d.scheduledFor) : d.scheduledLocal ?? 'later'} (UK time).`), text('It goes out once, even if the bot restarts.', { isSubtle: true, spacing: 'None' })],
        [submitAction('Cancel', 'digestCancel', { digestId: d.id }, 'destructive')],
      );
    case 'cancelled':
      return adaptiveCard([title, text('Cancelled: nothing was sent.', { isSubtle: true })]);
    case 'draft':
      return adaptiveCard([title, text('Draft: not sent yet.', { isSubtle: true })], [submitAction('Send now', 'digestSend', { digestId: d.id }, 'positive')]);
    default: {
      const done = d.status === 'sent' || Boolean(p?.done);
      const body: CardElement[] = [title, text(done ? 'Delivery report' : 'Sending…', { weight: 'Bolder', color: done ? 'Good' : 'Accent', spacing: 'None' })];
      if (p) body.push(bar(p), progressFacts(p, done));
      else if (d.counts) body.push(progressFacts({ jobId: d.jobId ?? '', ...d.counts, pending: 0, ratePerSecond: 0, done: true }, true));
      if (done && d.finishedAt) body.push(text(`Finished ${formatLondon(d.finishedAt)} (UK time).`, { isSubtle: true, size: 'Small' }));
      return adaptiveCard(body, [submitAction('Refresh', 'digestReport', { digestId: d.id })]);
    }
  }
}
