import { adaptiveCard, submitAction, text, type AdaptiveCard } from './card';

/**
 * `my subscriptions` and the answer to subscribe/unsubscribe: the state, and one button to change it. `confirm`:
 * an unsubscribe asked in other words than the command ("take me off the mailing list") is not done until the
 * button is tapped, since the words may be about someone else ("she's left, can she be taken off?").
 */
export function buildSubscriptionCard(opts: { kind: 'user' | 'channel'; subscribed: boolean; changed?: boolean; confirm?: boolean }): AdaptiveCard {
  const who = opts.kind === 'channel' ? 'This channel is' : 'You are';
  const state = opts.subscribed
    ? `${who} subscribed to the CSCP newsletter digest: one card per newsletter${opts.kind === 'channel' ? ', posted here' : ''}.`
    : `${who} not subscribed to the CSCP newsletter digest.`;
  const whose =
    opts.kind === 'channel'
      ? 'To stop your own digest, type **unsubscribe** in your 1:1 chat with me (a colleague can do the same in theirs).'
      : 'I can change only your own subscription: a colleague can type **unsubscribe** in their own 1:1 chat with me.';
  const note = opts.confirm
    ? opts.subscribed
      ? `${opts.kind === 'channel' ? 'Tap **Unsubscribe** to stop the digest posts in this channel for everyone here.' : 'Tap **Unsubscribe** to stop it.'} ${whose}`
      : `Nothing to stop here. ${whose}`
    : opts.changed === false
      ? opts.subscribed
        ? 'Nothing changed: already subscribed.'
        : 'Nothing changed: not subscribed.'
      : undefined;
  return adaptiveCard(
    [text('Newsletter digest', { weight: 'Bolder' }), text(state, { spacing: 'Small' }), ...(note ? [text(note, opts.confirm ? { spacing: 'Small' } : { isSubtle: true, size: 'Small' })] : [])],
    [opts.subscribed ? submitAction('Unsubscribe', 'unsubscribe', { kind: opts.kind }) : submitAction('Subscribe', 'subscribe', { kind: opts.kind }, 'positive')],
  );
}
