import type { TurnContext } from 'botbuilder';
import type { DigestService } from '../../../src/digests/digest.service';
import { readNewsletterFile } from '../../../src/digests/newsletter-file';
import type { BotDeps } from '../../deps';
import { createAndPreview } from './digest-create.handler';
import { messageFor, placeOf } from './digest-turn';
import { fileUrlAllowed } from '../../trust';
import { downloadNewsletter, findNewsletterAttachment } from './newsletter-download';

/**
 * A file sent with no text: in an admin's 1:1 chat, a newsletter (.txt/.md/.html/.pdf/.docx) becomes a draft digest
 * and its preview. Anyone else is told politely what the bot reads (and a non-admin's attempt is logged).
 */
export async function receiveAttachment(ctx: TurnContext, deps: BotDeps, svc: DigestService): Promise<void> {
  const aad = ctx.activity.from?.aadObjectId;
  const isAdmin = await deps.roles.has('admin', aad).catch(() => false);
  const found = findNewsletterAttachment(ctx.activity.attachments as never);
  if (!isAdmin || placeOf(ctx) !== 'personal') {
    if (isAdmin) return void (await ctx.sendActivity('To publish a newsletter, send me the file in our 1:1 chat.'));
    if (found) deps.logger.info({ activityId: ctx.activity.id, user: aad, action: 'digest file' }, 'refused');
    return void (await ctx.sendActivity('I can only read text messages. Type your question in your own words, or **help** to see what I can do.'));
  }
  if (!found) return void (await ctx.sendActivity('To make a newsletter digest, send me a .txt, .md, .html, .pdf or .docx file here, or type **digest new** to paste it.'));
  if ('unsupported' in found) {
    return void (await ctx.sendActivity(`I can read newsletters as .txt, .md, .html, .pdf or .docx files, not ${found.unsupported}. Or type **digest new** to paste it.`));
  }
  let read;
  try {
    const bytes = await downloadNewsletter(found.url, {
      allowed: (url) => fileUrlAllowed(url, deps.config),
      maxBytes: deps.config.limits.fileBytes,
      timeoutMs: deps.config.limits.fileTimeoutMs,
    });
    read = await readNewsletterFile(found.name, bytes, deps.config.limits);
  } catch (e) {
    return void (await ctx.sendActivity(messageFor(ctx, deps, e, 'digest file')));
  }
  // The activity id makes a redelivered message find the same draft instead of making a second one.
  const requestId = `file-${ctx.activity.id ?? Date.now()}`;
  await createAndPreview(
    ctx,
    deps,
    svc,
    { content: read.content, format: read.format, title: read.title, requestId },
    { inPlace: false, requestId, values: { content: read.content, format: read.format, title: read.title } },
  );
}
