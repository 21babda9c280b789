import type { DigestRecord } from '../src/digests/digest.types';
import { adaptiveCard, fieldError, submitAction, text, type AdaptiveCard, type CardElement } from './card';
import { digestActions, digestBody } from './digest.card';

/**
 * The admin's preview: exactly the subscribers' card (its buttons shown as they will appear), then
 * Send now, Schedule (UK date and time) and Cancel.
 */
export function buildDigestPreviewCard(d: DigestRecord, opts: { subscriberCount?: number; errors?: Record<string, string>; message?: string } = {}): AdaptiveCard {
  const e = opts.errors ?? {};
  const who = opts.subscriberCount === undefined ? 'every subscriber' : `${opts.subscriberCount.toLocaleString('en-GB')} ${opts.subscriberCount === 1 ? 'subscriber' : 'subscribers'}`;
  const banner: CardElement = {
    type: 'Container',
    style: 'emphasis',
    bleed: true,
    items: [
      text('Preview', { weight: 'Bolder' }),
      text(opts.subscriberCount === 0 ? 'No one has subscribed yet; this is exactly the card subscribers will get.' : `This is exactly the card ${who} will get.`, { spacing: 'None', isSubtle: true }),
      ...(opts.message ? [text(`⚠ ${opts.message}`, { color: 'Attention' })] : []),
    ],
  };
  const subscriberView: CardElement = { type: 'Container', style: 'default', spacing: 'Medium', items: [...digestBody(d), { type: 'ActionSet', actions: digestActions(d) }] };
  const controls: CardElement[] = [
    submitAction('Send now', 'digestSend', { digestId: d.id }, 'positive'),
    {
      type: 'Action.ShowCard',
      title: 'Schedule',
      card: {
        type: 'AdaptiveCard',
        body: [
          text('Send at (UK time)', { weight: 'Bolder' }),
          { type: 'Input.Date', id: 'scheduleDate', label: 'Date', isRequired: true, errorMessage: 'Pick a date' },
          ...fieldError(e.date, 'scheduleDate'),
          { type: 'Input.Time', id: 'scheduleTime', label: 'Time', value: '09:00', isRequired: true, errorMessage: 'Pick a time' },
          ...fieldError(e.time, 'scheduleTime'),
        ],
        actions: [submitAction('Schedule', 'digestSchedule', { digestId: d.id }, 'positive')],
      },
    },
    submitAction('Cancel', 'digestCancel', { digestId: d.id }, 'destructive'),
  ];
  // The card's own actions sit straight under the subscriber's buttons: a rule and a line keep the two apart.
  const choice = text('Send it to subscribers now, schedule it for later (UK time), or cancel it.', { separator: true, spacing: 'Large', weight: 'Bolder' });
  return adaptiveCard([banner, subscriberView, choice], controls);
}
