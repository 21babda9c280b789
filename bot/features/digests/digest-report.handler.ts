import type { TurnContext } from 'botbuilder';
import { buildDigestReportListCard } from '../../../cards/digest-report.card';
import type { DigestService } from '../../../src/digests/digest.service';
import type { BotDeps } from '../../deps';
import { sendCardPrivately } from '../../private-reply';
import { messageFor, requireAdmin } from './digest-turn';

/** `digest report`: past digests, newest first, with their delivery figures (admins only). */
export async function showReports(ctx: TurnContext, deps: BotDeps, svc: DigestService): Promise<void> {
  if (!(await requireAdmin(ctx, deps, 'digest report'))) return;
  try {
    await sendCardPrivately(ctx, deps, buildDigestReportListCard(await svc.listReports(20)), 'Newsletter digests', 'digest report');
  } catch (e) {
    await ctx.sendActivity(messageFor(ctx, deps, e, 'digest report'));
  }
}

/** `digest` alone: what an admin can do. */
export async function digestUsage(ctx: TurnContext, deps: BotDeps): Promise<void> {
  if (!(await requireAdmin(ctx, deps, 'digest'))) return;
  await ctx.sendActivity(
    'Newsletter digests:\n\n- **digest new**: paste a newsletter (or send me the .txt, .md, .html, .pdf or .docx file here) and see the preview\n- **digest report**: past digests and their delivery figures\n- **digest preview ID**: a draft made with `npm run digest -- create FILE`',
  );
}
