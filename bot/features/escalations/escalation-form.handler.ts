import type { TurnContext } from 'botbuilder';
import { buildEscalationRequestCard } from '../../../cards/escalation-request.card';
import { parseEscalationRequestSubmit } from '../../../cards/escalation-request.submit';
import { buildEscalationConfirmationCard, buildEscalationNotSavedCard } from '../../../cards/escalation-confirmation.card';
import { UserInputError } from '../../../src/errors';
import type { EscalationService } from '../../../src/escalations/escalation.service';
import type { BotDeps } from '../../deps';
import { replaceSubmittedCard, sendCard } from '../../reply';
import type { AdaptiveCard } from '../../../cards/card';
import { sendCardPrivately } from '../../private-reply';
import { withTurn } from './team-membership';
import { actorOf, isPersonal, personalTarget } from './turn-helpers';

/**
 * `escalate`: the escalation form. What people write in it (the issue, a case reference, contact details) is
 * for the escalation team, so the form lives in the person's 1:1 chat: asked in a channel, it is sent there.
 */
export async function openEscalationForm(ctx: TurnContext, deps: BotDeps): Promise<void> {
  if (isPersonal(ctx)) await sendCard(ctx, buildEscalationRequestCard({ config: deps.config }), 'Escalate a concern');
  else await sendCardPrivately(ctx, deps, buildEscalationRequestCard({ config: deps.config }), 'Escalate a concern', 'escalate');
}

/**
 * Where the answer to a submitted form goes: in place of the form in a 1:1 chat; from a form in a channel or
 * group chat (an old card), to the person's 1:1 chat, so the answers are never re-drawn where others see them.
 */
function answerForm(ctx: TurnContext, deps: BotDeps) {
  let told = false;
  return async (card: AdaptiveCard): Promise<void> => {
    if (isPersonal(ctx)) return replaceSubmittedCard(ctx, card);
    await sendCardPrivately(ctx, deps, card, 'Escalation', 'escalate', { notice: !told });
    told = true;
  };
}

const asStrings = (data: Record<string, unknown>): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(data).map(([k, v]) => [k, typeof v === 'string' || typeof v === 'number' ? String(v) : undefined]));

/**
 * `escalationSubmit`: validate, save, then acknowledge with the reference (the form turns into the
 * confirmation). Field errors re-render the form in place with nothing written; a storage failure tells the
 * submitter it was NOT saved (with the emergency route when the child is not safe) and gives the form back
 * with their answers and the same submission id, so a retry can never create a second record.
 */
export async function submitEscalation(ctx: TurnContext, deps: BotDeps, service: EscalationService, data: Record<string, unknown>): Promise<void> {
  const { config } = deps;
  const show = answerForm(ctx, deps);
  const form = parseEscalationRequestSubmit(data);
  if (!form) {
    await show(buildEscalationRequestCard({ config, values: asStrings(data), notice: 'That form could not be read. Please fill it in and send it again.' }));
    return;
  }
  const { verb: _verb, ...values } = form;
  try {
    const submitterTarget = await personalTarget(ctx, deps);
    const result = await withTurn(ctx, () => service.submit({ input: values, submitter: actorOf(ctx), submitterTarget }));
    deps.logger.info({ activityId: ctx.activity.id, id: result.record.id, duplicate: result.duplicate, posted: result.posted }, 'escalation acknowledged');
    await show(buildEscalationConfirmationCard({ record: result.record, config, duplicate: result.duplicate }));
  } catch (e) {
    if (e instanceof UserInputError) {
      await show(buildEscalationRequestCard({ config, values, errors: e.fieldErrors, notice: e.message, submissionId: values.submissionId }));
      return;
    }
    deps.logger.error({ activityId: ctx.activity.id, err: (e as Error).name, status: (e as { statusCode?: number }).statusCode }, 'escalation not saved');
    const notSaved = buildEscalationNotSavedCard({ config, urgent: values.childSafeNow === 'no' });
    if (isPersonal(ctx)) await sendCard(ctx, notSaved, 'Not saved');
    else await show(notSaved);
    await show(
      buildEscalationRequestCard({
        config,
        values,
        submissionId: values.submissionId,
        notice: 'Not saved: the service could not store it just now. Your answers are kept here; please send again in a few minutes.',
      }),
    ).catch(() => undefined);
  }
}
