import type { CloudAdapter } from 'botbuilder';
import { ActivityTypes, type ConversationReference, type Activity } from 'botbuilder';
import { DeliveryError, type DeliveryTarget, type Notifier, type OutgoingMessage, type SendOutcome } from '../src/delivery/notifier';

function referenceFor(target: DeliveryTarget, botId: string): Partial<ConversationReference> {
  // Only the fields we know: connectors (the Agents Playground among them) reject empty conversationType/name.
  const conversation = { id: target.conversationId, ...(target.tenantId ? { tenantId: target.tenantId } : {}) };
  return {
    channelId: target.channelId ?? 'msteams',
    serviceUrl: target.serviceUrl,
    conversation: conversation as ConversationReference['conversation'],
    bot: { id: botId, name: 'CSCP' },
  };
}

function toActivity(message: OutgoingMessage): Partial<Activity> {
  return { type: ActivityTypes.Message, ...message } as Partial<Activity>;
}

/** Maps a connector failure to a DeliveryError with the HTTP status and Retry-After, for the delivery engine's policy. */
export function toDeliveryError(e: unknown): DeliveryError {
  const err = e as { statusCode?: number; response?: { status?: number; headers?: { get?(n: string): string | undefined } }; message?: string; code?: string };
  const status = err.statusCode ?? err.response?.status ?? 0;
  const retryAfter = err.response?.headers?.get?.('retry-after');
  let retryAfterMs: number | undefined;
  if (retryAfter) {
    const secs = Number(retryAfter);
    retryAfterMs = Number.isFinite(secs) ? secs * 1000 : Math.max(0, new Date(retryAfter).getTime() - Date.now());
  }
  return new DeliveryError(status, `send failed (${status || err.code || 'network'})`, retryAfterMs);
}

/**
 * The production Notifier: botbuilder proactive messaging through the CloudAdapter (which obtains tokens when
 * credentials are configured). Every send is awaited so shutdown can wait for in-flight work.
 */
export function createProactiveSender(adapter: CloudAdapter, botAppId: string): Notifier & { inFlight(): number } {
  let inFlight = 0;
  const run = async <T>(target: DeliveryTarget, fn: (ctx: import('botbuilder').TurnContext) => Promise<T>): Promise<T> => {
    inFlight++;
    let result: T | undefined;
    let failure: unknown;
    try {
      // botbuilder hands errors thrown inside the callback to adapter.onTurnError and resolves normally, which
      // would hide a 429 or 403 from the delivery engine; so the error is caught here and rethrown outside.
      await adapter.continueConversationAsync(botAppId, referenceFor(target, botAppId), async (ctx) => {
        try {
          result = await fn(ctx);
        } catch (e) {
          failure = e;
        }
      });
      if (failure) throw failure;
      return result as T;
    } catch (e) {
      throw e instanceof DeliveryError ? e : toDeliveryError(e);
    } finally {
      inFlight--;
    }
  };
  return {
    inFlight: () => inFlight,
    async send(target, message): Promise<SendOutcome> {
      return run(target, async (ctx) => {
        const res = await ctx.sendActivity(toActivity(message));
        return { activityId: res?.id };
      });
    },
    async update(target, activityId, message): Promise<void> {
      await run(target, async (ctx) => {
        await ctx.updateActivity({ ...toActivity(message), id: activityId, conversation: { id: target.conversationId } as never });
      });
    },
  };
}
