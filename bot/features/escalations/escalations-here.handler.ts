import type { TurnContext } from 'botbuilder';
import type { EscalationService } from '../../../src/escalations/escalation.service';
import type { BotDeps } from '../../deps';
import { channelTypeOf } from '../../trust';
import type { TeamChannelTarget } from './team-membership';
import { actorOf, channelBaseId, refuse } from './turn-helpers';

/** `escalations here` (admins, in a channel): new escalation cards go to this channel from now on. */
export async function setEscalationChannelHere(ctx: TurnContext, deps: BotDeps, service: EscalationService): Promise<void> {
  const a = ctx.activity;
  if (!(await deps.roles.has('admin', a.from?.aadObjectId))) {
    await refuse(ctx, deps, 'escalations here', 'Sorry, only CSCP admins can choose the escalation team’s channel.');
    return;
  }
  if (a.conversation?.conversationType !== 'channel' || !a.conversation.id || !a.serviceUrl) {
    await ctx.sendActivity('Please run **escalations here** in the escalation team’s Teams channel (mention me there: @CSCP escalations here).');
    return;
  }
  const channelData = a.channelData as { team?: { id?: string }; tenant?: { id?: string } } | undefined;
  const target: TeamChannelTarget = {
    conversationId: channelBaseId(a.conversation.id),
    serviceUrl: a.serviceUrl,
    tenantId: a.conversation.tenantId ?? channelData?.tenant?.id,
    channelId: a.channelId ?? 'msteams',
    // Kept with the target so membership of this team can be checked when someone acts on a card.
    teamId: channelData?.team?.id,
    channelType: channelTypeOf(a),
  };
  const { posted } = await service.setTeamChannel(target, actorOf(ctx));
  deps.logger.info({ activityId: a.id, by: a.from?.aadObjectId, action: 'escalations here', posted: posted.length }, 'escalation channel set');
  const waiting = posted.length ? ` ${posted.length === 1 ? 'One escalation was' : `${posted.length} escalations were`} waiting for a channel: ${posted.length === 1 ? 'it is' : 'they are'} posted here now.` : '';
  await ctx.sendActivity(
    `Done: new escalations will be posted in this channel, one card each, with Acknowledge, Assign to me, Add note, Resolve and Reopen. Members of this channel (and anyone with the escalation role) can act on them; guests and people from outside the partnership cannot.${waiting}`,
  );
}
