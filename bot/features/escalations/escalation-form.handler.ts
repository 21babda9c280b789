import type { TurnContext } from 'botbuilder';
import { buildEscalationRequestCard } from '../../../cards/escalation-request.card';
import { parseEscalationRequestSubmit } from '../../../cards/escalation-request.submit';
import { buildEscalationConfirmationCard, buildEscalationNotSavedCard } from '../../../cards/escalation-confirmation.card';
import { UserInputError } from '../../../src/errors';
import type { EscalationService } from '../../../src/escalations/escalation.service';
import type { BotDeps } from '../../deps';
import { replaceSubmittedCard, sendCard } from '../../reply';
import { withTurn } from './team-membership';
import { actorOf, personalTarget } from './turn-helpers';

/** `escalate`: the escalation form. */
export async function openEscalationForm(ctx: TurnContext, deps: BotDeps): Promise<void> {
  await sendCard(ctx, buildEscalationRequestCard({ config: deps.config }), 'Escalate a concern');
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
  const form = parseEscalationRequestSubmit(data);
  if (!form) {
    await replaceSubmittedCard(ctx, buildEscalationRequestCard({ config, values: asStrings(data), notice: 'That form could not be read. Please fill it in and send it again.' }));
    return;
  }
  const { verb: _verb, ...values } = form;
  try {
    const submitterTarget = await personalTarget(ctx, deps);
    const result = await withTurn(ctx, () => service.submit({ input: values, submitter: actorOf(ctx), submitterTarget }));
    deps.logger.info({ activityId: ctx.activity.id, id: result.record.id, duplicate: result.duplicate, posted: result.posted }, 'escalation acknowledged');
    await replaceSubmittedCard(ctx, buildEscalationConfirmationCard({ record: result.record, config, duplicate: result.duplicate }));
  } catch (e) {
    if (e instanceof UserInputError) {
      await replaceSubmittedCard(
        ctx,
        buildEscalationRequestCard({ config, values, errors: e.fieldErrors, notice: e.message, submissionId: values.submissionId }),
      );
      return;
    }
    deps.logger.error({ activityId: ctx.activity.id, err: (e as Error).name, status: (e as { statusCode?: number }).statusCode }, 'escalation not saved');
    await sendCard(ctx, buildEscalationNotSavedCard({ config, urgent: values.childSafeNow === 'no' }), 'Not saved');
    await replaceSubmittedCard(
      ctx,
      buildEscalationRequestCard({
        config,
        values,
        submissionId: values.submissionId,
        notice: 'Not saved: the service could not store it just now. Your answers are kept here; please send again in a few minutes.',
      }),
    ).catch(() => undefined);
  }
}
