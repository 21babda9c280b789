import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import { buildDigestCreateCard, type DigestCreateValues } from '../../../cards/digest-create.card';
import { parseDigestCreateSubmit } from '../../../cards/digest-create.submit';
import { buildDigestPreviewCard } from '../../../cards/digest-preview.card';
import type { CreateDigestInput, DigestService } from '../../../src/digests/digest.service';
import { londonToday } from '../../../src/digests/london-time';
import { UserInputError } from '../../../src/errors';
import type { BotDeps } from '../../deps';
import { replaceSubmittedCard, sendCard } from '../../reply';
import { messageFor, personKey, requireAdmin, subscriberCount } from './digest-turn';

/** `digest new`: the form to paste a newsletter (admins only). */
export async function openCreateCard(ctx: TurnContext, deps: BotDeps): Promise<void> {
  if (!(await requireAdmin(ctx, deps, 'digest new'))) return;
  // Today (UK) filled in: the date the newsletter is published is nearly always the day it is sent.
  await sendCard(ctx, buildDigestCreateCard({ requestId: randomUUID(), values: { published: londonToday(deps.clock.now()) } }), 'New newsletter digest');
}

/**
 * Creates the draft and shows the preview (exactly the subscribers' card) with Send now / Schedule / Cancel.
 * A refusal re-renders the form with what was typed and the field errors; nothing is saved then.
 */
export async function createAndPreview(
  ctx: TurnContext,
  deps: BotDeps,
  svc: DigestService,
  input: Omit<CreateDigestInput, 'createdBy'>,
  answer: { inPlace: boolean; requestId: string; values: DigestCreateValues },
): Promise<void> {
  const show = (card: ReturnType<typeof buildDigestCreateCard>) => (answer.inPlace ? replaceSubmittedCard(ctx, card) : sendCard(ctx, card, 'New newsletter digest').then(() => undefined));
  let digest;
  try {
    digest = await svc.create({ ...input, createdBy: personKey(ctx) });
  } catch (e) {
    const errors = e instanceof UserInputError ? { ...e.fieldErrors } : {};
    // The composer's own refusals (empty, no text, too large) are about the pasted newsletter.
    if (e instanceof UserInputError && !Object.keys(errors).length) errors.content = e.message;
    await show(buildDigestCreateCard({ requestId: answer.requestId, values: answer.values, errors, message: messageFor(ctx, deps, e, 'digest create') }));
    return;
  }
  deps.logger.info({ activityId: ctx.activity.id, user: ctx.activity.from?.aadObjectId, digestId: digest.id }, 'digest previewed');
  const preview = buildDigestPreviewCard(digest, { subscriberCount: await subscriberCount(svc) });
  if (answer.inPlace) await replaceSubmittedCard(ctx, preview);
  else await sendCard(ctx, preview, `Preview: ${digest.title}`);
}

/** The create card's Preview button (`digestCreate`). */
export async function submitCreate(ctx: TurnContext, deps: BotDeps, svc: DigestService, data: Record<string, unknown>): Promise<void> {
  if (!(await requireAdmin(ctx, deps, 'digest create'))) return;
  const parsed = parseDigestCreateSubmit(data);
  if (!parsed) {
    const card = buildDigestCreateCard({ requestId: randomUUID(), message: 'That form was out of date: please fill it in again.' });
    return replaceSubmittedCard(ctx, card);
  }
  const values: DigestCreateValues = { title: parsed.title, published: parsed.published, url: parsed.url, content: parsed.content, format: parsed.format };
  await createAndPreview(
    ctx,
    deps,
    svc,
    { content: parsed.content, format: parsed.format, title: parsed.title, published: parsed.published, url: parsed.url, requestId: parsed.requestId },
    { inPlace: true, requestId: parsed.requestId, values },
  );
}
