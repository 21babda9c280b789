import type { TurnContext } from 'botbuilder';
import { DateTime } from 'luxon';
import type { SurveyService } from '../../../src/surveys/survey.service';
import type { BotDeps } from '../../deps';
import { offerCsv, registerCsvSource } from '../../files/csv-offer';
import { refuse } from '../escalations/turn-helpers';

/** Marks our consent cards, so another feature's file offers are left to it. */
export const SURVEY_CSV_KIND = 'survey-reach-csv';

const fileName = (deps: BotDeps) => `survey-reach-${DateTime.fromJSDate(deps.clock.now(), { zone: 'Europe/London' }).toFormat('yyyy-LL-dd')}.csv`;
const isAdmin = (ctx: TurnContext, deps: BotDeps) => deps.roles.has('admin', ctx.activity.from?.aadObjectId);

registerCsvSource({
  kind: SURVEY_CSV_KIND,
  allowed: isAdmin,
  build: async (_ctx, deps) => ({ name: fileName(deps), csv: await (deps.features.surveys as SurveyService).reportCsv() }),
  declined: 'No problem: no file was saved. The report card above has the same figures.',
});

/** The reach CSV for admins: a file-consent card in their 1:1 chat. */
export async function sendSurveyCsv(ctx: TurnContext, deps: BotDeps, service: SurveyService, opts: { notice?: boolean } = {}): Promise<void> {
  if (!(await isAdmin(ctx, deps))) {
    await refuse(ctx, deps, 'survey report csv', 'Sorry, the survey report is for CSCP admins.');
    return;
  }
  const name = fileName(deps);
  await offerCsv(
    ctx,
    deps,
    {
      kind: SURVEY_CSV_KIND,
      name,
      csv: await service.reportCsv(),
      description: 'Parent survey reach by month, agency type and how it was shared (counts only: nothing about any parent or child).',
      command: 'survey report',
    },
    opts,
  );
}
