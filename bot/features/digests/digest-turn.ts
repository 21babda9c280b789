import type { TurnContext } from 'botbuilder';
import type { DeliveryTarget } from '../../../src/delivery/notifier';
import type { DigestService } from '../../../src/digests/digest.service';
import { ConflictError, UserInputError } from '../../../src/errors';
import type { BotDeps } from '../../deps';

/** The person acting: Entra object id, or the Teams user id where a client sends none (as the conversation store keys them). */
export const personKey = (ctx: TurnContext): string => ctx.activity.from?.aadObjectId ?? ctx.activity.from?.id ?? '';

export type Place = 'personal' | 'channel' | 'group';

export function placeOf(ctx: TurnContext): Place {
  const type = ctx.activity.conversation?.conversationType;
  return type === 'channel' ? 'channel' : type === 'groupChat' ? 'group' : 'personal';
}

/** Where this activity came from, as a delivery target (the 1:1 chat, or the channel thread). */
export function hereTarget(ctx: TurnContext): DeliveryTarget | undefined {
  const a = ctx.activity;
  if (!a.conversation?.id || !a.serviceUrl) return undefined;
  const tenantId = a.conversation.tenantId ?? (a.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  return { conversationId: a.conversation.id, serviceUrl: a.serviceUrl, tenantId, channelId: a.channelId ?? 'msteams' };
}

/** True for CSCP admins; otherwise logs the refusal with ids only and answers politely. */
export async function requireAdmin(ctx: TurnContext, deps: BotDeps, action: string): Promise<boolean> {
  const aad = ctx.activity.from?.aadObjectId;
  if (await deps.roles.has('admin', aad).catch(() => false)) return true;
  deps.logger.info({ activityId: ctx.activity.id, user: aad, action }, 'refused');
  await ctx.sendActivity('Sorry, only CSCP admins can publish newsletter digests. Type **subscribe** to get them here.');
  return false;
}

/** The message for an expected failure; anything else is logged (ids only) and apologised for. */
export function messageFor(ctx: TurnContext, deps: BotDeps, e: unknown, action: string): string {
  if (e instanceof UserInputError || e instanceof ConflictError) return e.message;
  deps.logger.error({ activityId: ctx.activity.id, action, err: (e as Error)?.name, status: (e as { statusCode?: number })?.statusCode }, 'digest action failed');
  return 'Sorry, that did not work just now and nothing was sent. Please try again in a moment.';
}

/** Subscribers of both kinds, for the preview's "exactly the card N subscribers will get". */
export async function subscriberCount(svc: DigestService): Promise<number | undefined> {
  try {
    const [users, channels] = await Promise.all([svc.subscriptions.count('user'), svc.subscriptions.count('channel')]);
    return users + channels;
  } catch {
    return undefined;
  }
}
