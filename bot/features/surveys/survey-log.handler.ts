import type { TurnContext } from 'botbuilder';
import { buildSurveyLoggedCard } from '../../../cards/survey.card';
import { parseSurveyLogSubmit } from '../../../cards/survey-log.submit';
import { UserInputError } from '../../../src/errors';
import type { SurveyService } from '../../../src/surveys/survey.service';
import type { BotDeps } from '../../deps';
import { replaceSubmittedCard, sendCard } from '../../reply';
import { personKeyOf } from '../../turn';
import { surveyCard } from './survey-show.handler';

/**
 * `surveyLog`: logs an anonymous share. Refusals (missing answers, an email address or phone number in the
 * setting) re-render the card in place with the errors and nothing stored; after a save the card is renewed
 * with a fresh submission id so the next share can be logged from it.
 */
export async function logSurveyShare(ctx: TurnContext, deps: BotDeps, service: SurveyService, data: Record<string, unknown>): Promise<void> {
  const form = parseSurveyLogSubmit(data);
  if (!form) {
    await replaceSubmittedCard(ctx, await surveyCard(deps, service, { notice: 'That form could not be read; please fill it in again.', errors: { form: 'unreadable' } }));
    return;
  }
  const { verb: _verb, ...values } = form;
  try {
    const { share, duplicate } = await service.logShare(values, personKeyOf(ctx));
    deps.logger.info({ activityId: ctx.activity.id, duplicate }, 'survey share logged');
    await replaceSubmittedCard(ctx, await surveyCard(deps, service, { notice: duplicate ? 'Already logged: thank you.' : `Logged ${share.families} ${share.families === 1 ? 'family' : 'families'}: thank you. You can log another share below.` }));
    await sendCard(ctx, buildSurveyLoggedCard(share.families, duplicate), 'Survey share logged');
  } catch (e) {
    if (e instanceof UserInputError) {
      await replaceSubmittedCard(ctx, await surveyCard(deps, service, { values, errors: e.fieldErrors, notice: e.message, submissionId: values.submissionId }));
      return;
    }
    deps.logger.error({ activityId: ctx.activity.id, err: (e as Error).name }, 'survey share not saved');
    await ctx.sendActivity('Sorry, that share could not be logged just now (nothing was saved). Please press the button again in a few minutes.');
  }
}
