import type { TurnContext } from 'botbuilder';
import type { ConversationRecord } from '../src/conversations/conversation.types';
import type { BotDeps } from './deps';
import { channelTypeOf } from './trust';
import { personKeyOf, tenantOf } from './turn';

/** The stored reference for this activity: the person's 1:1 chat, or the channel / group chat it came from. */
export function recordFor(ctx: TurnContext): Omit<ConversationRecord, 'lastSeen'> | undefined {
  const a = ctx.activity;
  if (!a.conversation?.id || !a.serviceUrl) return undefined;
  const type = a.conversation.conversationType;
  const tenantId = tenantOf(ctx);
  const teamId = (a.channelData as { team?: { id?: string } } | undefined)?.team?.id;
  const base = {
    conversationId: a.conversation.id,
    serviceUrl: a.serviceUrl,
    tenantId,
    channelId: a.channelId ?? 'msteams',
    botId: a.recipient?.id,
  };
  if (type === 'channel' || type === 'groupChat') {
    // A message in a channel thread carries ";messageid=…": the stored reference is the channel itself, so a
    // proactive post starts a new conversation in the channel rather than a reply buried in an old thread.
    const channelConversation = a.conversation.id.split(';messageid=')[0];
    return { ...base, conversationId: channelConversation, kind: type === 'channel' ? 'channel' : 'group', key: channelConversation, teamId, channelType: channelTypeOf(a) };
  }
  const userKey = personKeyOf(ctx);
  if (!userKey || a.from?.role === 'bot') return undefined;
  return { ...base, kind: 'user', key: userKey, aadObjectId: a.from?.aadObjectId, userId: a.from?.id, name: a.from?.name };
}

/** How stale "last seen" may get: an unchanged reference is rewritten at most this often per process. */
const REFRESH_MS = 5 * 60_000;
const MAX_REMEMBERED = 50_000;
const recentlyStored = new Map<string, { at: number; fingerprint: string }>();

/**
 * Stores the reference on every activity (install, conversation update, message), after the answer: the write
 * goes through the bookkeeping queue, so the HTTP response never waits on storage and a storage blip delays the
 * write instead of losing it. A reference that this process stored in the last few minutes with identical
 * fields is not written again; any change (a new serviceUrl, name or conversation) is written.
 */
export function captureConversation(ctx: TurnContext, deps: BotDeps): void {
  const record = recordFor(ctx);
  if (!record) return;
  const id = `${deps.tables.prefix}|${record.kind}|${record.key}`;
  const fingerprint = JSON.stringify(record);
  const now = deps.clock.now().getTime();
  const seen = recentlyStored.get(id);
  if (seen && seen.fingerprint === fingerprint && now - seen.at < REFRESH_MS && ctx.activity.type === 'message') return;
  // Remembered at once, so a burst of messages from one person queues one write, not one per message.
  if (recentlyStored.size >= MAX_REMEMBERED) recentlyStored.clear();
  recentlyStored.set(id, { at: now, fingerprint });
  const activityId = ctx.activity.id;
  // Urgent: never held behind answer logs, because the next request (a trainer messaging everyone who just
  // booked) may need to reach this person at once.
  deps.bookkeeping.push(
    'conversation reference',
    async () => {
      try {
        await deps.conversations.upsert(record);
      } catch (e) {
        // Forget it, so the next message tries again even if this write is given up.
        if (recentlyStored.get(id)?.fingerprint === fingerprint) recentlyStored.delete(id);
        deps.logger.debug({ activityId, kind: record.kind, err: (e as Error).name }, 'conversation reference not stored yet');
        throw e;
      }
    },
    { urgent: true },
  );
}
