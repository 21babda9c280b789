import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import QRCode from 'qrcode';
import type { SurveyService } from '../../src/surveys/survey.service';
import { makeUser, startTestBot, type TestBot, type TestUser } from '../helpers/bot-harness';
import type { CapturedActivity } from '../helpers/connector';
import { validateCard } from '../helpers/card-validator';

const cardOf = (a: { body: Record<string, any> }) => a.body.attachments?.[0]?.content;
const textOf = (a: CapturedActivity) => JSON.stringify(a.body);
const LINK = 'https://forms.office.com/r/CSCPparents';

/** Every element of a card, nested ones included. */
function elements(node: unknown, out: Record<string, any>[] = []): Record<string, any>[] {
  if (Array.isArray(node)) node.forEach((n) => elements(n, out));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, any>;
    if (typeof o.type === 'string') out.push(o);
    for (const v of Object.values(o)) if (v && typeof v === 'object') elements(v, out);
  }
  return out;
}

describe('parent survey over HTTP (real server, Azurite, capture connector)', () => {
  const admin = makeUser('Ada Admin');
  const pat = makeUser('Pat Practitioner');
  let t: TestBot;
  const service = () => t.bot.deps.features.surveys as SurveyService;
  const sent = (u: TestUser) => t.connector.messagesTo(t.personalConversationId(u));

  /** Sends `survey` and returns the survey card message. */
  async function openSurvey(u: TestUser): Promise<CapturedActivity> {
    await t.say(u, 'survey');
    const all = sent(u);
    return all[all.length - 1];
  }

  const log = (extra: Record<string, unknown>) => ({
    verb: 'surveyLog',
    submissionId: randomUUID(),
    agencyType: 'education',
    setting: 'Primary school parents’ evening',
    families: '12',
    method: 'in-person',
    ...extra,
  });

  beforeAll(async () => {
    t = await startTestBot({ ADMIN_IDS: admin.aadObjectId });
  });
  afterAll(async () => t.stop());
  beforeEach(() => t.connector.clear());

  it('says the link is not set yet before an admin sets it', async () => {
    const msg = await openSurvey(pat);
    expect(validateCard(cardOf(msg))).toEqual([]);
    expect(textOf(msg)).toContain('has not been set yet');
  });

  it('refuses `survey set` from a non-admin and keeps the link unchanged', async () => {
    await t.say(pat, `survey set ${LINK}`);
    expect(textOf(sent(pat)[0])).toContain('only CSCP admins can change the survey link');
    expect(await service().currentLink()).toBeUndefined();
  });

  it('lets an admin set an https link on an allowed host, refusing http and unknown hosts', async () => {
    await t.say(admin, 'survey set http://forms.office.com/r/x');
    await t.say(admin, 'survey set https://evil.example.com/survey');
    const [http, host] = sent(admin).map(textOf);
    expect(http).toContain('Not changed');
    expect(http).toContain('https://');
    expect(host).toContain('approved site');
    expect(await service().currentLink()).toBeUndefined();

    t.connector.clear();
    // Teams delivers a pasted link wrapped in an anchor.
    await t.say(admin, `survey set <a href="${LINK}">${LINK}</a>`);
    expect(textOf(sent(admin)[0])).toContain(`Survey link set: ${LINK}`);
    expect((await service().currentLink())?.url).toBe(LINK);
  });

  it('gives practitioners the card with the link, a QR code image of it, the message to copy and the log form', async () => {
    const msg = await openSurvey(pat);
    const card = cardOf(msg);
    expect(validateCard(card)).toEqual([]);
    const images = elements(card).filter((e) => e.type === 'Image');
    expect(images).toHaveLength(1);
    expect(images[0].url).toMatch(/^data:image\/png;base64,/);
    // The QR encodes the current link (same generator and settings as the card's).
    expect(images[0].url).toBe(await QRCode.toDataURL(LINK, { errorCorrectionLevel: 'M', margin: 2, scale: 4, type: 'image/png' }));
    expect(Buffer.from(images[0].url.split(',')[1], 'base64').subarray(1, 4).toString('latin1')).toBe('PNG');
    const s = JSON.stringify(card);
    expect(s).toContain(`Please take part here: ${LINK}`);
    expect(s).toContain('Log that I shared it');
    expect(card.actions.find((a: any) => a.data?.verb === 'surveyLog')).toBeDefined();
  });

  it('answers natural phrasing with the same card', async () => {
    await t.say(pat, 'please can you send me the parent survey link');
    expect(elements(cardOf(sent(pat)[0])).some((e) => e.type === 'Image' && String(e.url).startsWith('data:image/png'))).toBe(true);
  });

  it.each([
    ['an email address', 'Ask jo.bloggs@example.com about it'],
    ['a phone number', 'Call mum on 07700 900123'],
  ])('refuses a log with %s in it: card re-rendered in place with the error, nothing stored', async (_what, setting) => {
    const msg = await openSurvey(pat);
    const form = log({ setting });
    await t.submit(pat, form, msg.id);
    const put = t.connector.activities.filter((a) => a.method === 'PUT' && a.activityId === msg.id);
    expect(put).toHaveLength(1);
    const card = cardOf(put[0]);
    expect(validateCard(card)).toEqual([]);
    const s = JSON.stringify(card);
    expect(s).toContain('looks like contact details');
    expect(s).toContain(form.submissionId); // a corrected resubmission stays the same submission
    expect((await service().report()).total.shares).toBe(0);
  });

  it('logs a valid share once, renews the card for the next one, and counts a double click once', async () => {
    const msg = await openSurvey(pat);
    const form = log({});
    await Promise.all([t.submit(pat, form, msg.id), t.submit(pat, form, msg.id)]);
    const puts = t.connector.activities.filter((a) => a.method === 'PUT' && a.activityId === msg.id).map(textOf);
    expect(puts).toHaveLength(2);
    expect(puts.some((p) => p.includes('Logged 12 families'))).toBe(true);
    for (const p of puts) expect(p).not.toContain(form.submissionId); // fresh id for the next share
    expect(JSON.stringify(sent(pat))).toContain('Thank you: logged 12 families');
    const report = await service().report();
    expect(report.total).toEqual({ shares: 1, families: 12 });
    expect(report.byAgency.find((a) => a.agencyType === 'education')).toMatchObject({ shares: 1, families: 12 });
  });

  it('gives admins the reach report as a card with bars and a CSV file (file consent, in their 1:1 chat); refuses others', async () => {
    await t.submit(pat, log({ agencyType: 'health', families: '3', method: 'email', setting: '' }));
    t.connector.clear();

    await t.say(pat, 'survey report');
    expect(textOf(sent(pat)[0])).toContain('for CSCP admins');
    await t.submit(pat, { verb: 'surveyReportCsv' });
    expect(textOf(sent(pat)[1])).toContain('for CSCP admins');

    await t.say(admin, 'survey report');
    const [cardMsg, consentMsg] = sent(admin);
    const card = cardOf(cardMsg);
    expect(validateCard(card)).toEqual([]);
    const s = JSON.stringify(card);
    expect(s).toContain('**15** families reached through **2** logged shares');
    expect(s).toContain('Families by agency type');
    expect(s).toContain('Families by month');
    const consent = consentMsg.body.attachments[0];
    expect(consent).toMatchObject({
      contentType: 'application/vnd.microsoft.teams.card.file.consent',
      name: expect.stringMatching(/^survey-reach-\d{4}-\d{2}-\d{2}\.csv$/),
      content: { acceptContext: { kind: 'survey-reach-csv' }, sizeInBytes: expect.any(Number) },
    });

    // The admin accepts: Teams sends a fileConsent/invoke with an upload URL (here a local server playing OneDrive).
    const uploads: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    const drive = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        uploads.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => drive.listen(0, '127.0.0.1', () => r()));
    try {
      const uploadUrl = `http://127.0.0.1:${(drive.address() as AddressInfo).port}/upload/session-1`;
      const res = await t.say(admin, '', {
        type: 'invoke',
        name: 'fileConsent/invoke',
        value: {
          type: 'fileUpload',
          action: 'accept',
          context: consent.content.acceptContext,
          uploadInfo: { name: consent.name, uploadUrl, contentUrl: 'https://contoso-my.sharepoint.com/personal/ada/Documents/' + consent.name, uniqueId: 'file-1', fileType: 'csv' },
        },
      });
      expect(res.status).toBe(200);
      expect(uploads).toHaveLength(1);
      const csv = uploads[0].body;
      expect(uploads[0].headers['content-range']).toBe(`bytes 0-${Buffer.byteLength(csv) - 1}/${Buffer.byteLength(csv)}`);
      const lines = csv.trim().split('\r\n');
      expect(lines[0]).toBe('Month,Agency type,How shared,Shares logged,Families reached');
      expect(lines.slice(1)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^\d{4}-\d{2},Education,In person \/ QR code,1,12$/), expect.stringMatching(/^\d{4}-\d{2},Health,Email,1,3$/)]),
      );
      expect(csv).not.toContain('parents’ evening'); // aggregates only
      const fileCard = sent(admin).at(-1)!.body.attachments[0];
      expect(fileCard).toMatchObject({ contentType: 'application/vnd.microsoft.teams.card.file.info', name: consent.name, content: { uniqueId: 'file-1', fileType: 'csv' } });
    } finally {
      await new Promise<void>((r) => drive.close(() => r()));
    }
  });

  it('asked in a group chat, sends the report and its CSV offer to the admin’s 1:1 chat, not the group', async () => {
    await t.say(admin, 'help'); // the admin's 1:1 chat is known
    t.connector.clear();
    const group = { id: `19:group-${randomUUID()}@thread.v2`, conversationType: 'groupChat', tenantId: 'tenant-1' };
    await t.say(admin, 'survey report', { conversation: group });
    const inGroup = t.connector.messagesTo(group.id);
    expect(inGroup.map((m) => m.body.text)).toEqual(['I’ve sent that to you in our 1:1 chat.']);
    const mine = t.connector.messagesTo(t.personalConversationId(admin));
    expect(JSON.stringify(mine[0].body)).toContain('Parent survey reach');
    expect(mine[1].body.attachments[0]).toMatchObject({ contentType: 'application/vnd.microsoft.teams.card.file.consent', name: expect.stringMatching(/\.csv$/) });
  });
});
