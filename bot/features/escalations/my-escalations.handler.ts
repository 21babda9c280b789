import type { TurnContext } from 'botbuilder';
import { buildMyEscalationsCard } from '../../../cards/my-escalations.card';
import type { EscalationService } from '../../../src/escalations/escalation.service';
import type { BotDeps } from '../../deps';
import { sendCardPrivately } from '../../private-reply';
import { actorOf } from './turn-helpers';

/** `my escalations`: the person's own escalations with status and recent history, in their 1:1 chat only. */
export async function showMyEscalations(ctx: TurnContext, deps: BotDeps, service: EscalationService): Promise<void> {
  const views = await service.listMine(actorOf(ctx).aadObjectId);
  await sendCardPrivately(ctx, deps, buildMyEscalationsCard(views), 'My escalations', 'my escalations');
}
