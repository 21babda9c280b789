import type { Activity, Middleware, TurnContext } from 'botbuilder';
import type { Config } from '../src/config';
import type { Logger } from '../src/logger';
import { serviceUrlAllowed } from './trust';

/** Teams refuses messages over about 100 KB; every card the bot sends stays under this, with room for the envelope. */
export const MAX_CARD_BYTES = 80 * 1024;

export const TOO_LARGE_LINE =
  'Sorry, that answer was too large to show in Teams, so I have not sent it. Please narrow it down (for example, fewer items) and try again.';

const CARD = 'application/vnd.microsoft.card.adaptive';

/** Size in bytes of the largest Adaptive Card an activity carries (in attachments, or as an invoke response's card). */
export function largestCardBytes(a: Partial<Activity>): number {
  const cards: unknown[] = [];
  for (const att of a.attachments ?? []) if (att.contentType === CARD) cards.push(att.content);
  const body = (a.value as { body?: { type?: string; value?: unknown } } | undefined)?.body;
  if (a.type === 'invokeResponse' && body?.type === CARD) cards.push(body.value);
  return cards.reduce<number>((max, c) => Math.max(max, Buffer.byteLength(JSON.stringify(c ?? null), 'utf8')), 0);
}

/** An error that the proactive sender reports with this HTTP status (so the delivery engine classifies it). */
function refused(statusCode: number, message: string): Error {
  return Object.assign(new Error(message), { name: 'OutboundRefused', statusCode });
}

const isProactive = (ctx: TurnContext) =>
  ctx.activity.type === 'event' && (ctx.activity.name === 'ContinueConversation' || ctx.activity.name === 'CreateConversation');

/**
 * Adapter middleware for every turn, incoming and proactive: nothing is sent or updated unless the turn's
 * serviceUrl is an allowed connector host (a stored reference from an earlier run cannot send the bot's token
 * elsewhere), and no card over MAX_CARD_BYTES leaves. In a reply, an oversized card becomes one short line;
 * in a proactive send it is refused with 413, which the delivery engine records as "too large".
 */
export function createOutboundGuard(config: Config, logger: Logger): Middleware {
  return {
    async onTurn(ctx, next) {
      const proactive = isProactive(ctx);
      const checkTarget = () => {
        if (!serviceUrlAllowed(ctx.activity.serviceUrl, config)) {
          logger.warn({ activityId: ctx.activity.id, proactive }, 'send refused: serviceUrl not allowed');
          throw refused(400, 'serviceUrl not allowed');
        }
      };
      const shrink = (a: Partial<Activity>): Partial<Activity> => {
        const bytes = largestCardBytes(a);
        if (bytes <= MAX_CARD_BYTES) return a;
        logger.warn({ activityId: ctx.activity.id, bytes, proactive }, 'card too large; not sent');
        if (proactive) throw refused(413, 'card too large');
        if (a.type === 'invokeResponse') {
          return { ...a, value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: TOO_LARGE_LINE } } };
        }
        const { attachments: _cards, entities: _entities, summary: _summary, ...rest } = a;
        return { ...rest, type: 'message', text: TOO_LARGE_LINE, textFormat: 'plain' };
      };
      ctx.onSendActivities(async (_c, activities, nextSend) => {
        if (activities.some((a) => a.type !== 'invokeResponse')) checkTarget();
        const safe = activities.map(shrink);
        activities.splice(0, activities.length, ...safe);
        return nextSend();
      });
      ctx.onUpdateActivity(async (_c, activity, nextUpdate) => {
        checkTarget();
        const safe = shrink(activity);
        if (safe !== activity) {
          // botbuilder sends the object it handed us, so the smaller message replaces it in place.
          for (const k of Object.keys(activity)) delete (activity as Record<string, unknown>)[k];
          Object.assign(activity, safe);
        }
        return nextUpdate();
      });
      await next();
    },
  };
}
