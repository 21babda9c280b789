import type { TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { BotDeps } from '../deps';
import { replyPrivately } from '../private-reply';
import { fileUrlAllowed } from '../trust';

const CONSENT = 'application/vnd.microsoft.teams.card.file.consent';
const FILE_INFO = 'application/vnd.microsoft.teams.card.file.info';

/** What Teams sends back on a file-consent card (accept carries where to upload). */
export interface FileConsentResponse {
  action?: 'accept' | 'decline';
  context?: { kind?: string; [key: string]: unknown };
  uploadInfo?: { name?: string; uploadUrl?: string; contentUrl?: string; uniqueId?: string; fileType?: string };
}

/**
 * A kind of CSV the bot offers (the survey reach report, a session's attendee list). On acceptance the file is
 * built again from storage — the consent card carries only ids, never the data — and the person's role is
 * checked again, since the accept may come much later.
 */
export interface CsvSource {
  kind: string;
  allowed(ctx: TurnContext, deps: BotDeps): Promise<boolean>;
  build(ctx: TurnContext, deps: BotDeps, context: Record<string, unknown>): Promise<{ name: string; csv: string }>;
  declined?: string;
}

const sources = new Map<string, CsvSource>();

export function registerCsvSource(source: CsvSource): void {
  sources.set(source.kind, source);
}

/**
 * Offers a CSV through Teams' file-consent card (the person accepts, Teams gives an upload URL in their
 * OneDrive). The files hold staff-only data (attendee names, reach figures), so the card always goes to the
 * person's 1:1 chat: asked in a channel or group chat, that conversation only hears where it went.
 */
export async function offerCsv(
  ctx: TurnContext,
  deps: BotDeps,
  file: { kind: string; name: string; csv: string; description: string; context?: Record<string, unknown>; command: string },
  opts: { notice?: boolean } = {},
): Promise<void> {
  const context = { kind: file.kind, ...(file.context ?? {}) };
  const consent = {
    attachments: [
      {
        contentType: CONSENT,
        name: file.name,
        content: { description: file.description, sizeInBytes: Buffer.byteLength(file.csv, 'utf8'), acceptContext: context, declineContext: context },
      },
    ],
  };
  await replyPrivately(ctx, deps, consent, file.command, opts);
}

async function upload(ctx: TurnContext, deps: BotDeps, response: FileConsentResponse): Promise<void> {
  const source = sources.get(String(response.context?.kind ?? ''));
  const info = response.uploadInfo;
  if (!source || !info?.uploadUrl) return;
  if (!(await source.allowed(ctx, deps))) {
    deps.logger.info({ activityId: ctx.activity.id, user: ctx.activity.from?.aadObjectId, action: source.kind }, 'refused');
    await ctx.sendActivity('Sorry, that file is only for the staff it was offered to.');
    return;
  }
  // The upload URL comes in the activity: the file (names, ids) goes only to an allowed OneDrive host, over https,
  // without following redirects, and within FILE_TIMEOUT_MS.
  if (!fileUrlAllowed(info.uploadUrl, deps.config)) {
    deps.logger.warn({ activityId: ctx.activity.id, kind: source.kind }, 'csv upload refused: upload host not allowed');
    await ctx.sendActivity('Sorry, I can only save files to your OneDrive in Teams, so nothing was uploaded.');
    return;
  }
  const { csv } = await source.build(ctx, deps, response.context ?? {});
  const bytes = Buffer.from(csv, 'utf8');
  const res = await fetch(info.uploadUrl, {
    method: 'PUT',
    headers: { 'Content-Length': String(bytes.length), 'Content-Range': `bytes 0-${bytes.length - 1}/${bytes.length}` },
    body: bytes,
    redirect: 'manual',
    signal: AbortSignal.timeout(deps.config.limits.fileTimeoutMs),
  }).catch((e: Error) => {
    deps.logger.warn({ activityId: ctx.activity.id, kind: source.kind, err: e.name }, 'csv upload failed');
    return undefined;
  });
  if (!res?.ok) {
    if (res) deps.logger.warn({ activityId: ctx.activity.id, status: res.status, kind: source.kind }, 'csv upload failed');
    await ctx.sendActivity('Sorry, the file could not be saved to your OneDrive just now. Please try again.');
    return;
  }
  await ctx.sendActivity({
    type: 'message',
    attachments: [{ contentType: FILE_INFO, contentUrl: info.contentUrl, name: info.name, content: { uniqueId: info.uniqueId, fileType: info.fileType ?? 'csv' } }],
  });
}

/** The app-wide file-consent routes (registered once, by the core feature). */
export function registerFileConsentRoutes(app: Application<TurnState>, deps: BotDeps): void {
  app.fileConsentAccept((ctx, _state, response) => upload(ctx, deps, response as FileConsentResponse));
  app.fileConsentDecline(async (ctx, _state, response) => {
    const source = sources.get(String((response as FileConsentResponse).context?.kind ?? ''));
    if (source) await ctx.sendActivity(source.declined ?? 'No problem: no file was saved.');
  });
}
