import type { TurnContext } from 'botbuilder';
import { buildDigestPreviewCard } from '../../../cards/digest-preview.card';
import { parseDigestPreviewSubmit } from '../../../cards/digest-preview.submit';
import { buildDigestStatusCard } from '../../../cards/digest-progress.card';
import type { DigestService, ProgressCardRef } from '../../../src/digests/digest.service';
import type { DigestRecord } from '../../../src/digests/digest.types';
import { UserInputError } from '../../../src/errors';
import type { BotDeps } from '../../deps';
import { replaceSubmittedCard, sendCard } from '../../reply';
import { hereTarget, messageFor, personKey, requireAdmin, subscriberCount } from './digest-turn';

/** The digest's card as it stands: the preview for a draft, otherwise scheduled / progress / report / cancelled. */
async function statusCard(svc: DigestService, d: DigestRecord) {
  if (d.status === 'draft') return buildDigestPreviewCard(d, { subscriberCount: await subscriberCount(svc) });
  const { digest, progress } = await svc.report(d.id);
  // Before every subscriber has a row, the outbox's figures would read "0 of 0": show "Sending…" alone.
  return buildDigestStatusCard(digest, digest.status === 'sending' && !digest.enqueuedAt ? undefined : progress);
}

/**
 * Replaces the submitted card with the digest's current state. The service updates the same card while it
 * sends; if the status moved on while this update was on its way (the delivery finished), it is drawn again,
 * so the last card standing is never older than the last status change.
 */
async function showInPlace(ctx: TurnContext, svc: DigestService, digestId: string): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const d = await svc.get(digestId);
    if (!d) return;
    await replaceSubmittedCard(ctx, await statusCard(svc, d));
    const after = await svc.get(digestId);
    if (!after || after.status === d.status) return;
  }
}

/** Where the service should draw progress: the card the admin pressed Send or Schedule on. */
function progressCardRef(ctx: TurnContext): ProgressCardRef | undefined {
  const target = hereTarget(ctx);
  const activityId = ctx.activity.replyToId;
  return target && activityId ? { target, activityId } : undefined;
}

/** Preview re-drawn with a message (and the schedule fields' errors); nothing changed. */
async function previewWithError(ctx: TurnContext, deps: BotDeps, svc: DigestService, digestId: string, e: unknown, action: string): Promise<void> {
  const message = messageFor(ctx, deps, e, action);
  const d = await svc.get(digestId).catch(() => undefined);
  if (!d) return void (await ctx.sendActivity(message));
  if (d.status !== 'draft') {
    await showInPlace(ctx, svc, d.id);
    return void (await ctx.sendActivity(message));
  }
  const errors = e instanceof UserInputError ? e.fieldErrors : undefined;
  await replaceSubmittedCard(ctx, buildDigestPreviewCard(d, { subscriberCount: await subscriberCount(svc), errors, message }));
}

/** Send now / Schedule / Cancel / Refresh-Details / Retry on the preview, status and report cards (admins only). */
export async function submitPreviewAction(ctx: TurnContext, deps: BotDeps, svc: DigestService, data: Record<string, unknown>): Promise<void> {
  const verb = String(data.verb);
  if (!(await requireAdmin(ctx, deps, verb))) return;
  const parsed = parseDigestPreviewSubmit(data);
  if (!parsed) return void (await ctx.sendActivity('That button is no longer valid. Type **digest report** to see the digests.'));
  const by = personKey(ctx);
  try {
    switch (parsed.verb) {
      case 'digestSend': {
        const { digest, started } = await svc.sendNow(parsed.digestId, by, { progressCard: progressCardRef(ctx) });
        deps.logger.info({ activityId: ctx.activity.id, user: ctx.activity.from?.aadObjectId, digestId: digest.id, started }, 'digest send');
        // A second click finds the delivery running: its card is already being updated, so leave it be.
        if (started) await showInPlace(ctx, svc, digest.id);
        return;
      }
      case 'digestSchedule': {
        if (!parsed.scheduleDate || !parsed.scheduleTime) {
          throw new UserInputError('Pick a date and a time (UK time) to schedule it.', { ...(parsed.scheduleDate ? {} : { date: 'required' }), ...(parsed.scheduleTime ? {} : { time: 'required' }) });
        }
        const d = await svc.schedule(parsed.digestId, parsed.scheduleDate, parsed.scheduleTime, by, { progressCard: progressCardRef(ctx) });
        return await showInPlace(ctx, svc, d.id);
      }
      case 'digestCancel': {
        const d = await svc.cancel(parsed.digestId, by);
        deps.logger.info({ activityId: ctx.activity.id, user: ctx.activity.from?.aadObjectId, digestId: d.id }, 'digest cancelled');
        return await showInPlace(ctx, svc, d.id);
      }
      case 'digestRetry': {
        const { digest, retrying } = await svc.retryFailed(parsed.digestId, by);
        deps.logger.info({ activityId: ctx.activity.id, user: ctx.activity.from?.aadObjectId, digestId: digest.id, retrying }, 'digest retry');
        await showInPlace(ctx, svc, digest.id);
        if (!retrying) await ctx.sendActivity('There is nothing to retry on that digest: everyone not reached has been tried again, or it is still sending.');
        return;
      }
      case 'digestReport': {
        const d = await svc.get(parsed.digestId);
        if (!d) return void (await ctx.sendActivity('I could not find that digest.'));
        // Refresh on the digest's own card redraws it; Details from the list opens a new card and keeps the list.
        if (ctx.activity.replyToId && ctx.activity.replyToId === d.progressCard?.activityId) return await showInPlace(ctx, svc, d.id);
        await sendCard(ctx, await statusCard(svc, d), `Digest: ${d.title}`);
        return;
      }
    }
  } catch (e) {
    await previewWithError(ctx, deps, svc, parsed.digestId, e, verb);
  }
}

/** `digest preview <id>`: the preview of a draft made with the command line, or the state of any digest. */
export async function showPreviewCommand(ctx: TurnContext, deps: BotDeps, svc: DigestService, args: string): Promise<void> {
  if (!(await requireAdmin(ctx, deps, 'digest preview'))) return;
  const id = args.trim().split(/\s+/).pop() ?? '';
  const d = await svc.get(id).catch(() => undefined);
  if (!d) return void (await ctx.sendActivity('I could not find that digest. Type **digest report** to see them all.'));
  await sendCard(ctx, await statusCard(svc, d), `Digest: ${d.title}`);
}
