import type { TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { BotDeps } from '../deps';
import { isPersonal } from '../turn';

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
 * Sends a CSV. In a 1:1 chat Teams lets a bot send a file only through a file-consent card (the person accepts,
 * Teams gives an upload URL in their OneDrive); in channels and group chats it travels inline as a data: URI.
 */
export async function offerCsv(
  ctx: TurnContext,
  file: { kind: string; name: string; csv: string; description: string; context?: Record<string, unknown>; inlineText?: string },
): Promise<void> {
  if (isPersonal(ctx)) {
    const context = { kind: file.kind, ...(file.context ?? {}) };
    await ctx.sendActivity({
      type: 'message',
      attachments: [
        {
          contentType: CONSENT,
          name: file.name,
          content: { description: file.description, sizeInBytes: Buffer.byteLength(file.csv, 'utf8'), acceptContext: context, declineContext: context },
        },
      ],
    });
    return;
  }
  await ctx.sendActivity({
    type: 'message',
    text: file.inlineText ?? `As a spreadsheet: **${file.name}**`,
    attachments: [{ contentType: 'text/csv', name: file.name, contentUrl: `data:text/csv;base64,${Buffer.from(file.csv, 'utf8').toString('base64')}` }],
  });
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
  const { csv } = await source.build(ctx, deps, response.context ?? {});
  const bytes = Buffer.from(csv, 'utf8');
  const res = await fetch(info.uploadUrl, {
    method: 'PUT',
    headers: { 'Content-Length': String(bytes.length), 'Content-Range': `bytes 0-${bytes.length - 1}/${bytes.length}` },
    body: bytes,
  });
  if (!res.ok) {
    deps.logger.warn({ activityId: ctx.activity.id, status: res.status, kind: source.kind }, 'csv upload failed');
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
