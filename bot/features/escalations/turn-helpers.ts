import type { TurnContext } from 'botbuilder';
import type { DeliveryTarget } from '../../../src/delivery/notifier';
import type { Actor } from '../../../src/escalations/escalation.types';
import type { BotDeps } from '../../deps';
import { hereTarget, isPersonal, personKeyOf } from '../../turn';

/** Who is acting: Entra object id (or `teams:<Teams user id>`, which never holds a role) and display name. */
export function actorOf(ctx: TurnContext): Actor {
  const from = ctx.activity.from;
  return { aadObjectId: personKeyOf(ctx), name: from?.name ?? '' };
}

/** A Teams channel post's conversation id carries `;messageid=…` for its thread; the channel itself is the part before. */
export const channelBaseId = (conversationId: string) => conversationId.split(';')[0];

export { isPersonal, refuse } from '../../turn';

/**
 * Where to tell this person about their escalation later: this 1:1 chat, or (when they acted from a channel
 * or group chat) the 1:1 chat the bot stored for them, if any. Built from the activity where possible so it
 * does not depend on storage.
 */
export async function personalTarget(ctx: TurnContext, deps: BotDeps): Promise<DeliveryTarget | undefined> {
  const a = ctx.activity;
  const here = isPersonal(ctx) ? hereTarget(ctx) : undefined;
  if (here) return here;
  const aad = a.from?.aadObjectId;
  return aad ? deps.conversations.target('user', aad).catch(() => undefined) : undefined;
}

