import type { Activity, CloudAdapter, ConversationParameters, TurnContext } from 'botbuilder';
import type { DeliveryTarget, OutgoingMessage } from '../src/delivery/notifier';
import { cardAttachment, type AdaptiveCard } from '../cards/card';
import type { BotDeps } from './deps';
import { isPersonal, personKeyOf, tenantOf } from './turn';

export const SENT_PRIVATELY = 'I’ve sent that to you in our 1:1 chat.';

const couldNotReach = (command: string) =>
  `That is only shown in a 1:1 chat, and I could not open one with you just now. Open a chat with me (search for the CSCP app in Teams chat) and type **${command}** there.`;

/**
 * The person's 1:1 chat with the bot: the stored reference, or one Teams creates now (Bot Framework
 * createConversation with the person as the only member). Undefined when neither works (the app is not
 * installed for them, or storage is down).
 */
export async function personalChatOf(ctx: TurnContext, deps: BotDeps): Promise<DeliveryTarget | undefined> {
  const a = ctx.activity;
  const key = personKeyOf(ctx);
  const stored = key ? await deps.conversations.target('user', key).catch(() => undefined) : undefined;
  if (stored) return stored;
  if (!a.from?.id || !a.serviceUrl) return undefined;
  const tenantId = tenantOf(ctx);
  const params = {
    isGroup: false,
    bot: a.recipient,
    members: [{ id: a.from.id }],
    tenantId,
    channelData: tenantId ? { tenant: { id: tenantId } } : undefined,
  } as ConversationParameters;
  let created: DeliveryTarget | undefined;
  try {
    const adapter = ctx.adapter as CloudAdapter;
    await adapter.createConversationAsync(deps.config.auth.appId ?? '', a.channelId ?? 'msteams', a.serviceUrl, undefined as unknown as string, params, async (c) => {
      if (c.activity.conversation?.id) {
        created = { conversationId: c.activity.conversation.id, serviceUrl: a.serviceUrl, tenantId, channelId: a.channelId ?? 'msteams' };
      }
    });
  } catch (e) {
    deps.logger.info({ activityId: a.id, status: (e as { statusCode?: number }).statusCode, err: (e as Error).name }, 'could not open a 1:1 chat');
    return undefined;
  }
  if (created && key) {
    await deps.conversations
      .upsert({ kind: 'user', key, ...created, channelId: created.channelId ?? 'msteams', aadObjectId: a.from.aadObjectId, userId: a.from.id, name: a.from.name, botId: a.recipient?.id })
      .catch(() => undefined);
  }
  return created;
}

/**
 * Staff-only or personal output: sent as asked in a 1:1 chat; from a channel or group chat it goes to the
 * person's 1:1 chat and the shared conversation hears only "I've sent that to you in our 1:1 chat". If the
 * 1:1 chat cannot be reached the output is not shown at all, and the person is told where to ask instead.
 */
export async function replyPrivately(
  ctx: TurnContext,
  deps: BotDeps,
  message: Partial<Activity> & OutgoingMessage,
  command: string,
  opts: { notice?: boolean } = {},
): Promise<void> {
  if (isPersonal(ctx)) {
    await ctx.sendActivity({ type: 'message', ...message });
    return;
  }
  const target = await personalChatOf(ctx, deps);
  let sent = false;
  if (target) {
    try {
      await deps.notifier.send(target, message);
      sent = true;
    } catch (e) {
      deps.logger.warn({ activityId: ctx.activity.id, status: (e as { status?: number }).status, err: (e as Error).name }, 'private reply not delivered');
    }
  }
  deps.logger.info({ activityId: ctx.activity.id, user: ctx.activity.from?.aadObjectId, command, sent }, 'private output moved to 1:1 chat');
  if (!sent || opts.notice !== false) await ctx.sendActivity(sent ? SENT_PRIVATELY : couldNotReach(command));
}

/** A card for the person alone (see replyPrivately). */
export function sendCardPrivately(ctx: TurnContext, deps: BotDeps, card: AdaptiveCard, summary: string, command: string, opts: { notice?: boolean } = {}): Promise<void> {
  return replyPrivately(ctx, deps, { attachments: [cardAttachment(card)], summary }, command, opts);
}
