import type { CloudAdapter, TurnContext } from 'botbuilder';
import { ActivityTypes, type Activity, type ConversationParameters, type ConversationReference } from 'botbuilder';
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

/** Parses Retry-After: delta-seconds or an HTTP date. */
function retryAfterMs(value: string | undefined | null): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = new Date(value).getTime();
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** Maps a connector failure (botbuilder's RestError) to a DeliveryError: status, Retry-After, the connector's error code. */
export function toDeliveryError(e: unknown): DeliveryError {
  if (e instanceof DeliveryError) return e;
  const err = e as { statusCode?: number; code?: string; name?: string; response?: { status?: number; headers?: { get?(n: string): string | undefined } } };
  const status = err.statusCode ?? err.response?.status ?? 0;
  // A RestError without an answer carries a transport code (REQUEST_SEND_ERROR, ECONNREFUSED…): not the connector's code.
  const code = status ? err.code : undefined;
  const reason = status || err.code || err.name || 'network';
  return new DeliveryError(status, `connector request failed (${reason})`, retryAfterMs(err.response?.headers?.get?.('retry-after')), code);
}

export interface ProactiveSenderOptions {
  /** A connector request that has not answered after this long is abandoned (counted as "no answer", status 0). */
  timeoutMs?: number;
}

/**
 * The production Notifier: botbuilder's CloudAdapter and its ConnectorClient (which obtains tokens when
 * credentials are configured), one request per call. The client's own retry policy is removed: it retried
 * 429 and 5xx itself, unpaced and unseen, three times per send. Pacing, Retry-After and backoff belong to the
 * delivery engine, which sees every attempt (src/delivery/delivery.engine.ts). Every call is awaited so a
 * graceful stop can wait for requests in flight.
 */
export function createProactiveSender(adapter: CloudAdapter, botAppId: string, opts: ProactiveSenderOptions = {}): Notifier & { inFlight(): number } {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  let inFlight = 0;

  /** Runs `fn` with the turn context and connector client of a proactive turn for `target`; errors come back out. */
  const run = async <T>(target: DeliveryTarget, fn: (ctx: TurnContext, client: ConnectorClient) => Promise<T>): Promise<T> => {
    inFlight++;
    let result: T | undefined;
    let failure: unknown;
    try {
      // botbuilder hands errors thrown inside the callback to adapter.onTurnError and resolves normally, which
      // would hide a 429 or 403 from the delivery engine; so the error is caught here and rethrown outside.
      await adapter.continueConversationAsync(botAppId, referenceFor(target, botAppId), async (ctx) => {
        try {
          const client = ctx.turnState.get<ConnectorClient>(ctx.adapter.ConnectorClientKey);
          ownRetries(client, timeoutMs);
          result = await fn(ctx, client);
        } catch (e) {
          failure = e;
        }
      });
      if (failure) throw failure;
      return result as T;
    } catch (e) {
      throw toDeliveryError(e);
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
    async createPersonalConversation(target): Promise<DeliveryTarget> {
      if (!target.userId) throw new DeliveryError(400, 'no user id to create a conversation with');
      return run(target, async (_ctx, client) => {
        const params = {
          isGroup: false,
          members: [{ id: target.userId }],
          ...(target.tenantId ? { tenantId: target.tenantId, channelData: { tenant: { id: target.tenantId } } } : {}),
        } as ConversationParameters;
        const res = await client.conversations.createConversation(params);
        if (!res?.id) throw new DeliveryError(502, 'createConversation answered without an id');
        return { ...target, conversationId: res.id };
      });
    },
  };
}

const TIMEOUT_POLICY = 'cscpRequestTimeout';

/**
 * Takes the retries out of this connector client's HTTP pipeline (@azure/core-rest-pipeline's
 * `defaultRetryPolicy`: throttling with Retry-After, and exponential backoff on 5xx and network errors,
 * three retries) and bounds each request with a timeout. The client is made afresh for every proactive
 * turn, so this runs once per client.
 */
function ownRetries(client: ConnectorClient | undefined, timeoutMs: number): void {
  const pipeline = (client as unknown as { client?: { pipeline?: PipelineLike } } | undefined)?.client?.pipeline;
  if (!pipeline) throw new Error('connector client has no HTTP pipeline: cannot switch its retries off');
  pipeline.removePolicy({ name: 'defaultRetryPolicy' });
  if (!pipeline.getOrderedPolicies().some((p) => p.name === TIMEOUT_POLICY)) {
    pipeline.addPolicy({
      name: TIMEOUT_POLICY,
      sendRequest: (request, next) => {
        request.timeout = timeoutMs;
        return next(request);
      },
    });
  }
}

/** The part of botframework-connector's ConnectorClient used here (kept structural: botbuilder does not re-export the type). */
interface ConnectorClient {
  conversations: { createConversation(parameters: ConversationParameters): Promise<{ id?: string }> };
}

interface PipelineLike {
  removePolicy(o: { name: string }): unknown;
  addPolicy(p: { name: string; sendRequest(req: { timeout: number }, next: (req: { timeout: number }) => Promise<unknown>): Promise<unknown> }): void;
  getOrderedPolicies(): { name: string }[];
}
