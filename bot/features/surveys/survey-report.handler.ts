import type { TurnContext } from 'botbuilder';
import { DateTime } from 'luxon';
import { buildSurveyReportCard } from '../../../cards/survey-report.card';
import type { SurveyService } from '../../../src/surveys/survey.service';
import type { BotDeps } from '../../deps';
import { sendCard } from '../../reply';
import { refuse } from '../escalations/turn-helpers';

async function isAdmin(ctx: TurnContext, deps: BotDeps, action: string): Promise<boolean> {
  if (await deps.roles.has('admin', ctx.activity.from?.aadObjectId)) return true;
  await refuse(ctx, deps, action, 'Sorry, the survey report is for CSCP admins.');
  return false;
}

/**
 * The reach CSV as a file attachment. The file travels inline as a data: URI (aggregates only, a few KB);
 * Teams proper would use a file-consent card in 1:1 chats (see the README's follow-ups).
 */
export async function sendSurveyCsv(ctx: TurnContext, deps: BotDeps, service: SurveyService): Promise<void> {
  if (!(await isAdmin(ctx, deps, 'survey report csv'))) return;
  const csv = await service.reportCsv();
  const name = `survey-reach-${DateTime.fromJSDate(deps.clock.now(), { zone: 'Europe/London' }).toFormat('yyyy-LL-dd')}.csv`;
  await ctx.sendActivity({
    type: 'message',
    text: `Survey reach as a spreadsheet: **${name}** (month × agency type × how shared).`,
    attachments: [{ contentType: 'text/csv', name, contentUrl: `data:text/csv;base64,${Buffer.from(csv, 'utf8').toString('base64')}` }],
  });
}

/** `survey report` (admins): reach by agency type and month as a card with bars, then the CSV file. */
export async function showSurveyReport(ctx: TurnContext, deps: BotDeps, service: SurveyService): Promise<void> {
  if (!(await isAdmin(ctx, deps, 'survey report'))) return;
  const [report, link] = await Promise.all([service.report(), service.currentLink()]);
  await sendCard(ctx, buildSurveyReportCard(report, { currentUrl: link?.url }), 'Parent survey reach');
  await sendSurveyCsv(ctx, deps, service);
}
