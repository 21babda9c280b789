import type { TurnContext } from 'botbuilder';
import { buildEscalationReportCard } from '../../../cards/escalation-report.card';
import type { EscalationService } from '../../../src/escalations/escalation.service';
import type { BotDeps } from '../../deps';
import { sendCardPrivately } from '../../private-reply';
import { withTurn } from './team-membership';
import { actorOf, refuse } from './turn-helpers';

/** `escalations report` (escalation team and admins): open escalations by age, type and other agency. */
export async function showEscalationsReport(ctx: TurnContext, deps: BotDeps, service: EscalationService): Promise<void> {
  const aad = actorOf(ctx).aadObjectId;
  const allowed = (await deps.roles.has('admin', aad)) || (await withTurn(ctx, () => service.isTeamMember(aad)));
  if (!allowed) {
    await refuse(ctx, deps, 'escalations report', 'Sorry, the escalations report is for the escalation team and CSCP admins. Type **my escalations** to see your own.');
    return;
  }
  await sendCardPrivately(ctx, deps, buildEscalationReportCard(await service.report()), 'Escalations report', 'escalations report');
}
