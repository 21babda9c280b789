import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { Config } from '../config';
import { getOrUndefined, isConflict, safeKey, type Tables } from '../storage/tables';
import { validateSurveyUrl } from './survey-link';
import { parseSurveyShare } from './survey-share.schema';
import { aggregateShares, sharesCsv } from './survey-report';
import { qrDataUri } from './survey-qr';
import type { SurveyLink, SurveyReport, SurveyShare } from './survey.types';

export interface SurveyService {
  /** Admin: sets the current link (https, allow-listed host); earlier links stay in the history. */
  setLink(url: string, by: string): Promise<SurveyLink>;
  currentLink(): Promise<SurveyLink | undefined>;
  /** Every link ever set, newest first. */
  linkHistory(): Promise<SurveyLink[]>;
  /** PNG data URI of a QR code for the url, usable as an Adaptive Card Image url. */
  qrCode(url: string): Promise<string>;
  /**
   * Logs an anonymous share. Throws UserInputError (with fieldErrors) and writes nothing on bad input or
   * contact details in the free text; the same submissionId twice stores one share (`duplicate: true`).
   */
  logShare(input: unknown, submitter?: string): Promise<{ share: SurveyShare; duplicate: boolean }>;
  report(): Promise<SurveyReport>;
  reportCsv(): Promise<string>;
}

// Newest-first ordering from the RowKey alone: Table storage sorts keys ascending.
const MAX_MS = 9_999_999_999_999;
const newestFirstKey = (d: Date) => `${String(MAX_MS - d.getTime()).padStart(13, '0')}-${randomBytes(3).toString('hex')}`;

type ShareRow = Omit<SurveyShare, 'setting'> & { setting?: string };

const toShare = (r: ShareRow): SurveyShare => ({
  submissionId: r.submissionId,
  agencyType: r.agencyType,
  setting: r.setting || undefined,
  families: Number(r.families),
  method: r.method,
  month: r.month,
  loggedAt: r.loggedAt,
});

/** Parent-survey link (table SurveyLinks) and anonymous sharing log (table SurveyShares). */
export function createSurveyService(deps: { tables: Tables; clock: Clock; config: Config }): SurveyService {
  const links = () => deps.tables.client('SurveyLinks');
  const shares = () => deps.tables.client('SurveyShares');

  async function listLinks(top?: number): Promise<SurveyLink[]> {
    const out: SurveyLink[] = [];
    const iter = links().listEntities<SurveyLink>({ queryOptions: { filter: "PartitionKey eq 'link'" } });
    for await (const row of iter) {
      out.push({ url: row.url, setAt: row.setAt, setBy: row.setBy });
      if (top && out.length >= top) break;
    }
    return out;
  }

  async function allShares(): Promise<SurveyShare[]> {
    const out: SurveyShare[] = [];
    for await (const r of shares().listEntities<ShareRow>({ queryOptions: { filter: "PartitionKey eq 'share'" } })) {
      out.push(toShare(r));
    }
    return out;
  }

  return {
    async setLink(url, by) {
      const clean = validateSurveyUrl(url, deps.config.survey.allowedHosts);
      const now = deps.clock.now();
      const link: SurveyLink = { url: clean, setAt: now.toISOString(), setBy: by };
      await links().createEntity({ partitionKey: 'link', rowKey: newestFirstKey(now), ...link });
      return link;
    },
    async currentLink() {
      return (await listLinks(1))[0];
    },
    linkHistory: () => listLinks(),
    qrCode: (url) => qrDataUri(url),

    async logShare(input, submitter) {
      const now = deps.clock.now();
      const v = parseSurveyShare(input, now);
      const share: SurveyShare = { ...v, loggedAt: now.toISOString() };
      // One share per form per person: a card in a channel is one form for many people. The person is only mixed
      // into a one-way hash for the key and is not stored, so the log stays anonymous.
      const rowKey = submitter ? createHash('sha256').update(`${v.submissionId}\n${submitter}`).digest('base64url').slice(0, 32) : safeKey(v.submissionId);
      try {
        await shares().createEntity({ partitionKey: 'share', rowKey, ...share, setting: share.setting ?? '' });
        return { share, duplicate: false };
      } catch (e) {
        if (!isConflict(e)) throw e;
        const first = await getOrUndefined<ShareRow>(shares(), 'share', rowKey);
        if (!first) throw e;
        return { share: toShare(first), duplicate: true };
      }
    },

    async report() {
      return aggregateShares(await allShares());
    },
    async reportCsv() {
      return sharesCsv(await allShares());
    },
  };
}
