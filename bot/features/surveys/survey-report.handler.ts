import type { TurnContext } from 'botbuilder';
import { buildSurveyReportCard } from '../../../cards/survey-report.card';
import type { SurveyService } from '../../../src/surveys/survey.service';
import type { BotDeps } from '../../deps';
import { sendCardPrivately } from '../../private-reply';
import { refuse } from '../escalations/turn-helpers';
import { sendSurveyCsv } from './survey-csv-file';

async function isAdmin(ctx: TurnContext, deps: BotDeps, action: string): Promise<boolean> {
  if (await deps.roles.has('admin', ctx.activity.from?.aadObjectId)) return true;
  await refuse(ctx, deps, action, 'Sorry, the survey report is for CSCP admins.');
  return false;
}

/** `survey report` (admins): reach by agency type and month as a card with bars, then the CSV file, in their 1:1 chat. */
export async function showSurveyReport(ctx: TurnContext, deps: BotDeps, service: SurveyService): Promise<void> {
  if (!(await isAdmin(ctx, deps, 'survey report'))) return;
  const [report, link] = await Promise.all([service.report(), service.currentLink()]);
  await sendCardPrivately(ctx, deps, buildSurveyReportCard(report, { currentUrl: link?.url }), 'Parent survey reach', 'survey report');
  await sendSurveyCsv(ctx, deps, service, { notice: false });
}
