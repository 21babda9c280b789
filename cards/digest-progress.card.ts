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
const n = (x: number) => x.toLocaleString('en-GB');

/** Plain words for an outbox row's error code (`http_404_ConversationNotFound`, `http_400`, `network`, `build`). */
export function reasonWords(code: string): string {
  const m = /^http_(\d+)(?:_(.+))?$/.exec(code);
  if (!m) return code === 'network' ? 'Teams did not answer' : code === 'build' ? 'the card could not be built' : code;
  const status = Number(m[1]);
  const label =
    status === 404 || status === 403
      ? 'chat gone, and it could not be created again'
      : status === 413
        ? 'message too large for Teams'
        : status === 429
          ? 'Teams kept asking us to slow down'
          : status >= 500
            ? 'Teams kept failing'
            : 'refused by Teams';
  return `${label} (${status}${m[2] ? ` ${m[2]}` : ''})`;
}

/** Everyone not reached for good: the "not delivered" of the report. */
const notDelivered = (p: DeliveryProgress) => p.failed + p.unreachable + p.tooLarge;

/** Delivered / pending / not delivered / blocked / skipped with rate and ETA while sending; the delivery report once done. */
function progressFacts(p: DeliveryProgress, done: boolean): CardElement[] {
  const facts = [
    fact('Sent', `${n(p.sent)} of ${n(p.total)}`),
    ...(p.refound ? [fact('Of those, to a re-created chat', n(p.refound))] : []),
    ...(done ? [] : [fact('Pending', p.retrying ? `${n(p.pending)} (${n(p.retrying)} waiting to retry)` : n(p.pending))]),
    fact('Failed', n(p.failed)),
    ...(p.unreachable ? [fact('Unreachable (chat gone, not re-created)', n(p.unreachable))] : []),
    ...(p.tooLarge ? [fact('Too large for Teams', n(p.tooLarge))] : []),
    fact('Blocked the bot (still subscribed)', n(p.blocked)),
    ...(p.skipped ? [fact('Skipped (unsubscribed before sending)', n(p.skipped))] : []),
    ...(done ? [] : [fact('Rate', p.ratePerSecond ? `${p.ratePerSecond} messages/s` : 'starting…'), fact('Time left', eta(p.etaSeconds))]),
  ];
  const out: CardElement[] = [{ type: 'FactSet', facts }];
  if (p.reasons.length) {
    out.push(text('Why some were not delivered:', { weight: 'Bolder', size: 'Small', spacing: 'Medium' }));
    for (const r of p.reasons.slice(0, 6)) out.push(text(`${n(r.count)} × ${reasonWords(r.code)}`, { size: 'Small', spacing: 'None' }));
  }
  return out;
}

/**
 * One bar, one colour per outcome, each as wide as its count: green delivered, red not delivered or blocked,
 * grey skipped, blue still pending. A bar that is all green means everyone got it.
 */
function bar(p: DeliveryProgress): CardElement {
  const parts: [number, string][] = [
    [p.sent, 'good'],
    [notDelivered(p) + p.blocked, 'attention'],
    [p.skipped, 'default'],
    [p.pending, 'emphasis'],
  ];
  const total = Math.max(1, p.total);
  const columns: CardElement[] = parts
    .filter(([count]) => count > 0)
    .map(([count, style]) => ({ type: 'Column', width: String(Math.max(1, Math.round((count / total) * 100))), style, minHeight: '10px', items: [] }));
  if (!columns.length) columns.push({ type: 'Column', width: '100', style: 'emphasis', minHeight: '10px', items: [] });
  return { type: 'ColumnSet', spacing: 'Small', columns };
}

/** The report's headline, in words and colour that match its numbers. */
function headline(p: DeliveryProgress | undefined, done: boolean): CardElement {
  if (!done) return text('Sending…', { weight: 'Bolder', color: 'Accent', spacing: 'None' });
  if (!p) return text('Delivery report', { weight: 'Bolder', spacing: 'None' });
  const missed = notDelivered(p) + p.blocked;
  if (p.total > 0 && missed === 0 && p.sent + p.skipped === p.total) {
    return text(`Delivery report: sent to all ${n(p.sent)}`, { weight: 'Bolder', color: 'Good', spacing: 'None' });
  }
  return text(`Delivery report: ${n(p.sent)} of ${n(p.total)} sent, ${n(missed)} not delivered`, { weight: 'Bolder', color: p.sent === 0 ? 'Attention' : 'Warning', spacing: 'None' });
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
      const figures = p ?? (d.counts ? { jobId: d.jobId ?? '', retrying: 0, refound: 0, reasons: [], ...d.counts, pending: 0, ratePerSecond: 0, done: true } : undefined);
      const body: CardElement[] = [title, headline(figures, done)];
      if (figures) body.push(bar(figures), ...progressFacts(figures, done));
      if (done && d.finishedAt) body.push(text(`Finished ${formatLondon(d.finishedAt)} (UK time).`, { isSubtle: true, size: 'Small' }));
      const actions = [submitAction('Refresh', 'digestReport', { digestId: d.id })];
      const again = figures && d.status === 'sent' ? figures.failed + figures.unreachable : 0;
      if (again) actions.push(submitAction(`Retry the ${n(again)} not delivered`, 'digestRetry', { digestId: d.id }));
      return adaptiveCard(body, actions);
    }
  }
}
