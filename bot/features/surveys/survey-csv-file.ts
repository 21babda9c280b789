import type { TurnContext } from 'botbuilder';
import { DateTime } from 'luxon';
import type { SurveyService } from '../../../src/surveys/survey.service';
import type { BotDeps } from '../../deps';
import { isPersonal, refuse } from '../escalations/turn-helpers';

const CONSENT = 'application/vnd.microsoft.teams.card.file.consent';
const FILE_INFO = 'application/vnd.microsoft.teams.card.file.info';
/** Marks our consent cards, so another feature's file offers are left to it. */
export const SURVEY_CSV_KIND = 'survey-reach-csv';

export interface FileConsentResponse {
  action?: 'accept' | 'decline';
  context?: { kind?: string };
  uploadInfo?: { name?: string; uploadUrl?: string; contentUrl?: string; uniqueId?: string; fileType?: string };
}

const fileName = (deps: BotDeps) => `survey-reach-${DateTime.fromJSDate(deps.clock.now(), { zone: 'Europe/London' }).toFormat('yyyy-LL-dd')}.csv`;

/**
 * The reach CSV. In a 1:1 chat Teams lets a bot send a file only through a file-consent card (the admin
 * accepts, Teams gives an upload URL in their OneDrive); elsewhere the file travels inline as a data: URI.
 */
export async function sendSurveyCsv(ctx: TurnContext, deps: BotDeps, service: SurveyService): Promise<void> {
  if (!(await deps.roles.has('admin', ctx.activity.from?.aadObjectId))) {
    await refuse(ctx, deps, 'survey report csv', 'Sorry, the survey report is for CSCP admins.');
    return;
  }
  const csv = await service.reportCsv();
  const name = fileName(deps);
  if (isPersonal(ctx)) {
    await ctx.sendActivity({
      type: 'message',
      attachments: [
        {
          contentType: CONSENT,
          name,
          content: {
            description: 'Parent survey reach by month, agency type and how it was shared (counts only: nothing about any parent or child).',
            sizeInBytes: Buffer.byteLength(csv, 'utf8'),
            acceptContext: { kind: SURVEY_CSV_KIND },
            declineContext: { kind: SURVEY_CSV_KIND },
          },
        },
      ],
    });
    return;
  }
  await ctx.sendActivity({
    type: 'message',
    text: `Survey reach as a spreadsheet: **${name}** (month × agency type × how shared).`,
    attachments: [{ contentType: 'text/csv', name, contentUrl: `data:text/csv;base64,${Buffer.from(csv, 'utf8').toString('base64')}` }],
  });
}

/** Consent accepted: upload the CSV (freshly built) to the URL Teams gave, then show it as a file card. */
export async function uploadSurveyCsv(ctx: TurnContext, deps: BotDeps, service: SurveyService, response: FileConsentResponse): Promise<void> {
  const info = response.uploadInfo;
  if (response.context?.kind !== SURVEY_CSV_KIND || !info?.uploadUrl) return;
  if (!(await deps.roles.has('admin', ctx.activity.from?.aadObjectId))) {
    await refuse(ctx, deps, 'survey report csv', 'Sorry, the survey report is for CSCP admins.');
    return;
  }
  const bytes = Buffer.from(await service.reportCsv(), 'utf8');
  const res = await fetch(info.uploadUrl, {
    method: 'PUT',
    headers: { 'Content-Length': String(bytes.length), 'Content-Range': `bytes 0-${bytes.length - 1}/${bytes.length}` },
    body: bytes,
  });
  if (!res.ok) {
    deps.logger.warn({ activityId: ctx.activity.id, status: res.status }, 'survey csv upload failed');
    await ctx.sendActivity('Sorry, the file could not be saved to your OneDrive just now. Type **survey report** to try again.');
    return;
  }
  await ctx.sendActivity({
    type: 'message',
    attachments: [{ contentType: FILE_INFO, contentUrl: info.contentUrl, name: info.name, content: { uniqueId: info.uniqueId, fileType: info.fileType ?? 'csv' } }],
  });
}

export async function declineSurveyCsv(ctx: TurnContext, response: FileConsentResponse): Promise<void> {
  if (response.context?.kind !== SURVEY_CSV_KIND) return;
  await ctx.sendActivity('No problem: no file was saved. The report card above has the same figures.');
}
