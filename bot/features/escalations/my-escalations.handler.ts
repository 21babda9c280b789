import type { TurnContext } from 'botbuilder';
import { buildMyEscalationsCard } from '../../../cards/my-escalations.card';
import type { EscalationService } from '../../../src/escalations/escalation.service';
import type { BotDeps } from '../../deps';
import { sendCard } from '../../reply';
import { actorOf } from './turn-helpers';

/** `my escalations`: the person's own escalations with status and recent history. */
export async function showMyEscalations(ctx: TurnContext, _deps: BotDeps, service: EscalationService): Promise<void> {
  const views = await service.listMine(actorOf(ctx).aadObjectId);
  await sendCard(ctx, buildMyEscalationsCard(views), 'My escalations');
}
