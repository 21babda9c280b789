import { AsyncLocalStorage } from 'node:async_hooks';
import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { DeliveryTarget } from '../../../src/delivery/notifier';
import type { BotDeps } from '../../deps';

/** The team channel as stored by `escalations here`: the delivery target plus the Teams team it belongs to. */
export type TeamChannelTarget = DeliveryTarget & { teamId?: string };

// The roster lookup needs a turn's connector client; the domain's isTeamMember(aadObjectId) has no turn, so the
// handler runs the service call inside the turn's context and the lookup picks it up from here.
const currentTurn = new AsyncLocalStorage<TurnContext>();

/** Runs `fn` (a service call) so that team-membership checks inside it can ask Teams about this turn's user. */
export function withTurn<T>(ctx: TurnContext, fn: () => Promise<T>): Promise<T> {
  return currentTurn.run(ctx, fn);
}

/**
 * Membership beyond the configured ESCALATION_TEAM_IDS: the `escalation` role (config or granted by an admin),
 * then, inside a turn, the roster of the Teams team that owns the escalation channel (Bot Connector
 * `GET /v3/conversations/{teamId}/members/{aadObjectId}`; 404 means not a member).
 */
export function createTeamMembershipCheck(deps: BotDeps, teamChannel: () => Promise<TeamChannelTarget | undefined>) {
  return async (aadObjectId: string): Promise<boolean> => {
    if (await deps.roles.has('escalation', aadObjectId)) return true;
    const ctx = currentTurn.getStore();
    if (!ctx) return false;
    const channel = await teamChannel();
    if (!channel) return false;
    const teamId = channel.teamId ?? (await deps.conversations.get('channel', channel.conversationId))?.teamId;
    if (!teamId) return false;
    // The clicker is looked up by their Teams user id (every client knows it; Teams also accepts the Entra id).
    const from = ctx.activity.from;
    const isClicker = from?.id && (from.aadObjectId ?? '').toLowerCase() === aadObjectId.toLowerCase();
    try {
      const member = await TeamsInfo.getTeamMember(ctx, teamId, isClicker ? from.id : aadObjectId);
      const memberAad = (member?.aadObjectId ?? '').toLowerCase();
      return Boolean(member) && (memberAad === aadObjectId.toLowerCase() || (!memberAad && Boolean(isClicker)));
    } catch (e) {
      const status = (e as { statusCode?: number }).statusCode;
      if (status === 404 || status === 403) return false;
      throw e;
    }
  };
}
