import type { TurnContext } from 'botbuilder';
import type { DeliveryTarget } from '../src/delivery/notifier';
import { NON_ENTRA_PREFIX, type Role } from '../src/roles/role.service';
import type { BotDeps } from './deps';

export type Place = 'personal' | 'channel' | 'group';

/** Where the activity happened: a person's 1:1 chat, a team channel, or a group chat. */
export function placeOf(ctx: TurnContext): Place {
  const type = ctx.activity.conversation?.conversationType;
  return type === 'channel' ? 'channel' : type === 'groupChat' ? 'group' : 'personal';
}

export const isPersonal = (ctx: TurnContext): boolean => placeOf(ctx) === 'personal';

/** Prefix of a person key made from a Teams user id: it can never equal an Entra object id, so it never holds a role. */
export const TEAMS_ID_PREFIX = NON_ENTRA_PREFIX;

/**
 * The key of a person's own records (bookings, subscriptions, escalations they raised, their 1:1 chat): their
 * Entra object id, or `teams:<Teams user id>` where a client sends none. Roles are never read from it unless it
 * is an Entra object id (see requireRole): `from.id` is whatever the client put there.
 */
export function personKeyOf(ctx: TurnContext): string {
  const from = ctx.activity.from;
  if (from?.aadObjectId) return from.aadObjectId;
  return from?.id ? `${TEAMS_ID_PREFIX}${from.id}` : '';
}

/** The tenant of the activity (Teams puts it on the conversation, older clients only in channelData). */
export function tenantOf(ctx: TurnContext): string | undefined {
  const a = ctx.activity;
  return a.conversation?.tenantId ?? (a.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
}

/**
 * Where this activity came from, as a delivery target (the 1:1 chat, or the channel thread). A 1:1 chat carries
 * the person's Teams user id, so the chat can be created again if it is gone when a digest or reminder is sent.
 */
export function hereTarget(ctx: TurnContext): DeliveryTarget | undefined {
  const a = ctx.activity;
  if (!a.conversation?.id || !a.serviceUrl) return undefined;
  const userId = placeOf(ctx) === 'personal' && a.from?.id && a.from.role !== 'bot' ? a.from.id : undefined;
  return { conversationId: a.conversation.id, serviceUrl: a.serviceUrl, tenantId: tenantOf(ctx), channelId: a.channelId ?? 'msteams', ...(userId ? { userId } : {}) };
}

/** Logs a refused action with ids only and tells the person politely. */
export async function refuse(ctx: TurnContext, deps: BotDeps, action: string, message: string): Promise<void> {
  deps.logger.info({ activityId: ctx.activity.id, user: ctx.activity.from?.aadObjectId, action }, 'refused');
  await ctx.sendActivity(message);
}

/** True when the person holds `role`; otherwise the refusal is logged (ids only) and `message` is sent. */
export async function requireRole(ctx: TurnContext, deps: BotDeps, role: Role, action: string, message: string): Promise<boolean> {
  if (await deps.roles.has(role, ctx.activity.from?.aadObjectId).catch(() => false)) return true;
  await refuse(ctx, deps, action, message);
  return false;
}
