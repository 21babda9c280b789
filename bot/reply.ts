import type { TurnContext } from 'botbuilder';
import { cardAttachment, type AdaptiveCard } from '../cards/card';

/** Sends a card as a new message. */
export async function sendCard(ctx: TurnContext, card: AdaptiveCard, summary?: string): Promise<string | undefined> {
  const res = await ctx.sendActivity({ type: 'message', attachments: [cardAttachment(card)], ...(summary ? { summary } : {}) });
  return res?.id;
}

/**
 * Replaces the card the user just submitted from (Action.Submit carries the card message's id in replyToId),
 * so a form with errors is re-rendered in place; falls back to a new message where an update is impossible.
 */
export async function replaceSubmittedCard(ctx: TurnContext, card: AdaptiveCard): Promise<void> {
  const id = ctx.activity.replyToId;
  if (id) {
    try {
      await ctx.updateActivity({ type: 'message', id, attachments: [cardAttachment(card)] });
      return;
    } catch {
      /* the original message may be gone or not updatable: send a fresh card instead */
    }
  }
  await sendCard(ctx, card);
}
