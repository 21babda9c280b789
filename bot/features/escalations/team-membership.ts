import { AsyncLocalStorage } from 'node:async_hooks';
import type { TurnContext } from 'botbuilder';
import type { DeliveryTarget } from '../../../src/delivery/notifier';
import type { BotDeps } from '../../deps';
import { memberTrusted, rosterMember } from '../../trust';

/**
 * The team channel as stored by `escalations here`: the delivery target plus the Teams team it belongs to and
 * the kind of channel (private and shared channels have their own member list, a subset of the team's).
 */
export type TeamChannelTarget = DeliveryTarget & { teamId?: string; channelType?: 'standard' | 'private' | 'shared' };

// The roster lookup needs a turn's connector client; the domain's isTeamMember(aadObjectId) has no turn, so the
// handler runs the service call inside the turn's context and the lookup picks it up from here.
const currentTurn = new AsyncLocalStorage<TurnContext>();

/** Runs `fn` (a service call) so that team-membership checks inside it can ask Teams about this turn's user. */
export function withTurn<T>(ctx: TurnContext, fn: () => Promise<T>): Promise<T> {
  return currentTurn.run(ctx, fn);
}

/**
 * Membership beyond the configured ESCALATION_TEAM_IDS: the `escalation` role (config or granted by an admin),
 * then, inside a turn and for the person of that turn only, Teams' member list of the escalation channel: the
 * channel's own list for a private or shared channel, the owning team's for a standard one (Bot Connector
 * `GET /v3/conversations/{id}/members/{userId}`; 404 means not a member). The entry must carry the clicker's own
 * Entra object id, and guests, anonymous users and people from other tenants do not count.
 */
export function createTeamMembershipCheck(deps: BotDeps, teamChannel: () => Promise<TeamChannelTarget | undefined>) {
  return async (aadObjectId: string): Promise<boolean> => {
    if (await deps.roles.has('escalation', aadObjectId)) return true;
    const ctx = currentTurn.getStore();
    if (!ctx) return false;
    const from = ctx.activity.from;
    // The roster only vouches for the person of this turn, identified by the object id Teams gave them.
    if (!from?.id || !from.aadObjectId || from.aadObjectId.toLowerCase() !== aadObjectId.toLowerCase()) return false;
    const channel = await teamChannel();
    if (!channel) return false;
    const stored = channel.teamId && channel.channelType ? undefined : await deps.conversations.get('channel', channel.conversationId);
    const channelType = channel.channelType ?? stored?.channelType;
    const teamId = channel.teamId ?? stored?.teamId;
    const rosterId = channelType === 'private' || channelType === 'shared' ? channel.conversationId : teamId;
    if (!rosterId) return false;
    const member = await rosterMember(ctx, rosterId, from.id);
    if (!member || (member.aadObjectId ?? '').toLowerCase() !== aadObjectId.toLowerCase()) return false;
    return memberTrusted(member, deps.config);
  };
}
