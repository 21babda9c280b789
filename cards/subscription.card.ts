import { adaptiveCard, submitAction, text, type AdaptiveCard } from './card';

/** `my subscriptions` and the answer to subscribe/unsubscribe: the state, and one button to change it. */
export function buildSubscriptionCard(opts: { kind: 'user' | 'channel'; subscribed: boolean; changed?: boolean }): AdaptiveCard {
  const who = opts.kind === 'channel' ? 'This channel is' : 'You are';
  const state = opts.subscribed
    ? `${who} subscribed to the CSCP newsletter digest: one card per newsletter${opts.kind === 'channel' ? ', posted here' : ''}.`
    : `${who} not subscribed to the CSCP newsletter digest.`;
  const note = opts.changed === false ? (opts.subscribed ? 'Nothing changed: already subscribed.' : 'Nothing changed: not subscribed.') : undefined;
  return adaptiveCard(
    [text('Newsletter digest', { weight: 'Bolder' }), text(state, { spacing: 'Small' }), ...(note ? [text(note, { isSubtle: true, size: 'Small' })] : [])],
    [opts.subscribed ? submitAction('Unsubscribe', 'unsubscribe', { kind: opts.kind }) : submitAction('Subscribe', 'subscribe', { kind: opts.kind }, 'positive')],
  );
}
