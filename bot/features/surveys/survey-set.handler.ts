import type { TurnContext } from 'botbuilder';
import { UserInputError } from '../../../src/errors';
import type { SurveyService } from '../../../src/surveys/survey.service';
import type { BotDeps } from '../../deps';
import { refuse } from '../escalations/turn-helpers';

/** `survey set URL` (admins): https only, allow-listed host; earlier links stay in the history with their dates. */
export async function setSurveyLink(ctx: TurnContext, deps: BotDeps, service: SurveyService, text: string): Promise<void> {
  const aad = ctx.activity.from?.aadObjectId;
  if (!(await deps.roles.has('admin', aad))) {
    await refuse(ctx, deps, 'survey set', 'Sorry, only CSCP admins can change the survey link. Type **survey** to get the current one.');
    return;
  }
  // Teams turns a pasted link into <a href="…">…</a>; take the address itself.
  const arg = text.replace(/^survey\s+set\s*/i, '').trim();
  const url = /href="([^"]+)"/i.exec(arg)?.[1] ?? arg.replace(/<[^>]*>/g, '').trim();
  if (!url) {
    await ctx.sendActivity('Usage: **survey set https://…** (the full link to the Parents & Carers Voices survey).');
    return;
  }
  try {
    const link = await service.setLink(url, aad!);
    const history = await service.linkHistory();
    deps.logger.info({ activityId: ctx.activity.id, by: aad, action: 'survey set' }, 'survey link set');
    await ctx.sendActivity(
      `Survey link set: ${link.url}\n\nPractitioners who type **survey** now get this link and its QR code.${history.length > 1 ? ` Earlier links are kept (${history.length - 1}).` : ''}`,
    );
  } catch (e) {
    if (!(e instanceof UserInputError)) throw e;
    await ctx.sendActivity(`Not changed: ${e.message}`);
  }
}
