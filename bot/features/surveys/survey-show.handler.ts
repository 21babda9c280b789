import type { TurnContext } from 'botbuilder';
import { buildSurveyCard, type SurveyCardOptions } from '../../../cards/survey.card';
import type { SurveyService } from '../../../src/surveys/survey.service';
import type { BotDeps } from '../../deps';
import { sendCard } from '../../reply';

/** The survey card for the current link (with its QR code), with any re-render options. */
export async function surveyCard(deps: BotDeps, service: SurveyService, extra: Partial<SurveyCardOptions> = {}) {
  const link = await service.currentLink();
  const qrDataUri = link ? await service.qrCode(link.url) : undefined;
  return buildSurveyCard({ link, qrDataUri, now: deps.clock.now(), ...extra });
}

/** `survey`: link, QR code, ready-to-send message and the anonymous "Log that I shared it" form. */
export async function showSurvey(ctx: TurnContext, deps: BotDeps, service: SurveyService): Promise<void> {
  await sendCard(ctx, await surveyCard(deps, service), 'Parents & Carers Voices survey');
}
