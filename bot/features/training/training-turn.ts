import type { TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '../../../cards/card';
import type { CardNotice } from '../../../cards/training-sessions.card';
import { ConflictError, UserInputError } from '../../../src/errors';
import type { Person } from '../../../src/training/training.types';
import type { BotDeps } from '../../deps';
import { replaceSubmittedCard, sendCard } from '../../reply';
import { personKeyOf, requireRole } from '../../turn';

/** The person acting: Entra object id (the Teams user id where a client sends none) and display name. */
export function personOf(ctx: TurnContext): Person {
  const from = ctx.activity.from;
  return { id: personKeyOf(ctx), name: from?.name ?? '' };
}

/** True for trainers; otherwise logs the refusal with ids only and tells the person politely. */
export const requireTrainer = (ctx: TurnContext, deps: BotDeps, action: string): Promise<boolean> =>
  requireRole(ctx, deps, 'trainer', action, 'Sorry, only CSCP trainers can do that. Type **training** to see and book sessions.');

/** Maps an expected failure to a notice on the card; anything else is logged (ids only) and apologised for. */
export function noticeFor(ctx: TurnContext, deps: BotDeps, e: unknown, action: string): CardNotice {
  if (e instanceof UserInputError || e instanceof ConflictError) return { tone: 'attention', text: e.message };
  deps.logger.error({ activityId: ctx.activity.id, action, err: (e as Error)?.name }, 'training action failed');
  return { tone: 'attention', text: 'Sorry, that could not be saved just now, so nothing was changed. Please try again in a moment.' };
}

/** A card answer to a card button: in place when it came from a card, as a new message otherwise. */
export async function answerCard(ctx: TurnContext, card: AdaptiveCard, fromCard: boolean): Promise<void> {
  if (fromCard && ctx.activity.replyToId) await replaceSubmittedCard(ctx, card);
  else await sendCard(ctx, card);
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
