import type { TurnContext } from 'botbuilder';
import type { DigestService } from '../../../src/digests/digest.service';
import { ConflictError, UserInputError } from '../../../src/errors';
import type { BotDeps } from '../../deps';
import { personKeyOf, requireRole } from '../../turn';

/** The person acting: Entra object id, or the Teams user id where a client sends none (as the conversation store keys them). */
export const personKey = (ctx: TurnContext): string => personKeyOf(ctx);

export { hereTarget, placeOf, type Place } from '../../turn';

/** True for CSCP admins; otherwise logs the refusal with ids only and answers politely. */
export const requireAdmin = (ctx: TurnContext, deps: BotDeps, action: string): Promise<boolean> =>
  requireRole(ctx, deps, 'admin', action, 'Sorry, only CSCP admins can publish newsletter digests. Type **subscribe** to get them here.');

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
