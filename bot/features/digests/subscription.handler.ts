import type { TurnContext } from 'botbuilder';
import { parseSubscriptionSubmit } from '../../../cards/digest.submit';
import { buildSubscriptionCard } from '../../../cards/subscription.card';
import type { DeliveryTarget } from '../../../src/delivery/notifier';
import type { DigestService } from '../../../src/digests/digest.service';
import type { SubscriberKind } from '../../../src/digests/subscription.store';
import type { BotDeps } from '../../deps';
import { replaceSubmittedCard, sendCard } from '../../reply';
import { hereTarget, messageFor, personKey, placeOf } from './digest-turn';

/**
 * `confirm`: an unsubscribe asked in everyday words (the command classifier's `unsubscribe`) shows the
 * subscription card with its Unsubscribe button and changes nothing until it is tapped. The words may be about
 * someone else ("our old deputy head left in the summer, can you take her off the newsletter list?"), and the bot
 * can only change the subscription of whoever asks (in a channel, the channel's); the typed `unsubscribe` still
 * acts at once. In a group chat a card with one person's subscription on it would be shared with everyone, so
 * the person is sent to their 1:1 chat instead.
 */
type Change = 'subscribe' | 'unsubscribe' | 'show' | 'confirm';

interface Subscriber {
  kind: SubscriberKind;
  key: string;
  target?: DeliveryTarget;
}

const GROUP_UNSUBSCRIBE = 'I change newsletter subscriptions one person at a time, in a 1:1 chat: to stop your own digest, type **unsubscribe** in your chat with me (a colleague can do the same in theirs).';
const GROUP_CHAT = 'I send the newsletter digest to a person (in their 1:1 chat with me) or to a team channel, not to a group chat. Open a 1:1 chat with me and type **subscribe**.';

/**
 * Who a subscription in this conversation is for: in a 1:1 chat the person, in a team channel the channel (any
 * team member may subscribe it, and it gets one post per digest). A button that names `kind: 'user'` in a
 * channel means the person, reached through the 1:1 chat the bot stored for them.
 */
async function subscriberFor(ctx: TurnContext, deps: BotDeps, kind?: SubscriberKind): Promise<Subscriber | 'group' | undefined> {
  const place = placeOf(ctx);
  const wanted = kind ?? (place === 'channel' ? 'channel' : 'user');
  if (wanted === 'channel') {
    if (place !== 'channel') return place === 'group' ? 'group' : { kind: 'user', key: personKey(ctx), target: hereTarget(ctx) };
    const target = hereTarget(ctx);
    return target ? { kind: 'channel', key: target.conversationId, target } : undefined;
  }
  const key = personKey(ctx);
  if (!key) return undefined;
  if (place === 'personal') return { kind: 'user', key, target: hereTarget(ctx) };
  return { kind: 'user', key, target: await deps.conversations.target('user', key).catch(() => undefined) };
}

/** subscribe / unsubscribe / my subscriptions (or an unsubscribe to confirm), typed or from a button; `inPlace` answers in place of the subscription card. */
export async function changeSubscription(ctx: TurnContext, deps: BotDeps, svc: DigestService, change: Change, opts: { kind?: SubscriberKind; inPlace?: boolean } = {}): Promise<void> {
  if (change === 'confirm' && placeOf(ctx) === 'group') return void (await ctx.sendActivity(GROUP_UNSUBSCRIBE));
  const who = await subscriberFor(ctx, deps, opts.kind);
  if (who === 'group') return void (await ctx.sendActivity(GROUP_CHAT));
  if (!who) return void (await ctx.sendActivity('Sorry, I could not tell who to subscribe here.'));
  if (change === 'subscribe' && who.kind === 'user' && !who.target) {
    return void (await ctx.sendActivity('Open a 1:1 chat with me first (search for the CSCP app in Teams chat), then type **subscribe** there.'));
  }
  try {
    let card;
    if (change === 'show' || change === 'confirm') {
      card = buildSubscriptionCard({ kind: who.kind, subscribed: await svc.isSubscribed(who.kind, who.key), confirm: change === 'confirm' });
    } else if (change === 'subscribe') {
      const { created } = await svc.subscribe({ ...who, by: personKey(ctx) });
      card = buildSubscriptionCard({ kind: who.kind, subscribed: true, changed: created });
    } else {
      const { removed } = await svc.unsubscribe(who);
      card = buildSubscriptionCard({ kind: who.kind, subscribed: false, changed: removed });
    }
    deps.logger.info({ activityId: ctx.activity.id, user: ctx.activity.from?.aadObjectId, kind: who.kind, change }, 'digest subscription');
    if (opts.inPlace) await replaceSubmittedCard(ctx, card);
    else await sendCard(ctx, card, 'Newsletter digest subscription');
  } catch (e) {
    await ctx.sendActivity(messageFor(ctx, deps, e, `digest ${change}`));
  }
}

/**
 * The Subscribe / Unsubscribe buttons. Only the subscription card's own buttons name a `kind`; those answer in
 * place. The digest's Unsubscribe and the welcome card's Subscribe answer with a new card, so the digest stays.
 */
export async function submitSubscription(ctx: TurnContext, deps: BotDeps, svc: DigestService, data: Record<string, unknown>): Promise<void> {
  const parsed = parseSubscriptionSubmit(data);
  if (!parsed) return void (await ctx.sendActivity('That button is no longer valid. Type **subscribe** or **unsubscribe**.'));
  await changeSubscription(ctx, deps, svc, parsed.verb, { kind: parsed.kind, inPlace: parsed.kind !== undefined && Boolean(ctx.activity.replyToId) });
}
