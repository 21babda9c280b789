import type { TurnContext } from 'botbuilder';
import { parseEscalationAction } from '../../../cards/escalation-action.submit';
import { buildEscalationTeamCard } from '../../../cards/escalation-team.card';
import { text, type AdaptiveCard } from '../../../cards/card';
import { ConflictError, ForbiddenError, UserInputError } from '../../../src/errors';
import type { EscalationService } from '../../../src/escalations/escalation.service';
import type { BotDeps } from '../../deps';
import { replaceSubmittedCard } from '../../reply';
import { withTurn } from './team-membership';
import { actorOf } from './turn-helpers';

export interface TeamActionOutcome {
  /** The refreshed team card (after the change, or the current state when someone acted first). */
  card?: AdaptiveCard;
  /** What to tell the person who clicked (refusal, conflict, bad input). */
  message?: string;
  /** The channel card already shows this change (the service updated it in place). */
  channelActivityId?: string;
}

const withNotice = (card: AdaptiveCard, notice: string): AdaptiveCard => ({
  ...card,
  body: [text(`⚠ ${notice}`, { color: 'Attention', weight: 'Bolder' }), ...card.body],
});

/**
 * One team-card action (Acknowledge, Assign to me, Add note, Resolve, Reopen), whichever way it arrived.
 * The service checks membership, applies the change with an ETag, updates the channel card in place and
 * tells the submitter; this maps its typed errors to what the clicker sees.
 */
export async function performTeamAction(ctx: TurnContext, deps: BotDeps, service: EscalationService, data: Record<string, unknown>): Promise<TeamActionOutcome> {
  const parsed = parseEscalationAction(data);
  if (!parsed) return { message: 'That button is no longer valid. Type **escalations report** to see open escalations.' };
  const actor = actorOf(ctx);
  try {
    const v = await withTurn(ctx, () => service.act({ id: parsed.id, action: parsed.action, actor }));
    return { card: buildEscalationTeamCard(v), channelActivityId: v.record.channelActivityId };
  } catch (e) {
    if (e instanceof ForbiddenError) {
      deps.logger.info({ activityId: ctx.activity.id, user: actor.aadObjectId, action: parsed.action.kind }, 'refused');
      return { message: `Sorry: ${e.message} The card has not been changed.` };
    }
    if (e instanceof ConflictError) {
      // Only team members get here (membership is checked first); the refresh is logged like any refusal.
      deps.logger.info({ activityId: ctx.activity.id, user: actor.aadObjectId, id: parsed.id, action: parsed.action.kind }, 'escalation action out of date');
      const fresh = await service.get(parsed.id);
      return { card: fresh ? withNotice(buildEscalationTeamCard(fresh), e.message) : undefined, message: e.message };
    }
    if (e instanceof UserInputError) return { message: e.message };
    deps.logger.error({ activityId: ctx.activity.id, id: parsed.id, err: (e as Error).name }, 'escalation action failed');
    return { message: 'Sorry, that change could not be saved just now; nothing was changed. Please try again in a moment.' };
  }
}

/** Action.Execute: the invoke's answer replaces the card for the clicker; a plain message leaves it unchanged. */
export async function executeTeamAction(ctx: TurnContext, deps: BotDeps, service: EscalationService, data: Record<string, unknown>): Promise<AdaptiveCard | string> {
  const verb = (ctx.activity.value as { action?: { verb?: string } } | undefined)?.action?.verb;
  const outcome = await performTeamAction(ctx, deps, service, { ...data, ...(verb ? { verb } : {}) });
  return outcome.card ?? outcome.message ?? 'Done.';
}

/**
 * Action.Submit fallback: the submitted card is updated in place (unless it is the channel card the service
 * already updated), and any refusal or conflict is said in the conversation. A refusal leaves the card as is.
 */
export async function submitTeamAction(ctx: TurnContext, deps: BotDeps, service: EscalationService, data: Record<string, unknown>): Promise<void> {
  const outcome = await performTeamAction(ctx, deps, service, data);
  if (outcome.card && ctx.activity.replyToId && ctx.activity.replyToId !== outcome.channelActivityId) {
    // The notice is for the clicker only; a card everyone sees shows the plain current state.
    const card = outcome.message ? { ...outcome.card, body: outcome.card.body.slice(1) } : outcome.card;
    await replaceSubmittedCard(ctx, card);
  }
  if (outcome.message) await ctx.sendActivity(outcome.message);
}
