import QRCode from 'qrcode';
import { buildSurveyCard, buildSurveyLoggedCard } from '../../../cards/survey.card';
import { buildSurveyReportCard } from '../../../cards/survey-report.card';
import { parseSurveyLogSubmit } from '../../../cards/survey-log.submit';
import { aggregateShares } from '../../../src/surveys/survey-report';
import { qrDataUri } from '../../../src/surveys/survey-qr';
import { validateCard } from '../../helpers/card-validator';

const now = new Date('2026-03-10T10:00:00Z');
const link = { url: 'https://forms.office.com/Pages/ResponsePage.aspx?id=DQSIkWdsW0yxEjajBLZtrQAAAAAAAAAAAAN__abcdEFGHijKLMNopQRSTuvWXyz0123', setAt: '', setBy: 'a' };
const collect = (node: unknown, type: string, out: Record<string, unknown>[] = []): Record<string, unknown>[] => {
  if (Array.isArray(node)) node.forEach((n) => collect(n, type, out));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === type) out.push(o);
    Object.values(o).forEach((v) => collect(v, type, out));
  }
  return out;
};

describe('survey cards', () => {
  it('survey card: valid, with the QR image, the link, a copyable message and the log form', async () => {
    const qr = await qrDataUri(link.url);
    const card = buildSurveyCard({ link, qrDataUri: qr, now });
    expect(validateCard(card)).toEqual([]);
    const images = collect(card, 'Image');
    expect(images[0].url).toBe(qr);
    const ready = collect(card, 'Input.Text').find((i) => i.id === 'readyMessage');
    expect(String(ready?.value)).toContain(link.url);
    const ids = collect(card.body, 'Input.ChoiceSet').map((i) => i.id);
    expect(ids).toEqual(['agencyType', 'method', 'month']);
    const submit = (card.actions as Record<string, unknown>[]).find((a) => a.type === 'Action.Submit') as { data: Record<string, string> };
    expect(submit.data.verb).toBe('surveyLog');
    expect(submit.data.submissionId).toMatch(/[0-9a-f-]{36}/);
    // Teams caps a message at ~100 KB (and cards render slowly well before that): keep it small.
    const bytes = Buffer.byteLength(JSON.stringify(card));
    expect(bytes).toBeLessThan(12_000);
    expect(qr.length).toBeLessThan(4_000);
    // The image really encodes the link.
    expect(await QRCode.toDataURL(link.url, { errorCorrectionLevel: 'M', margin: 2, scale: 4 })).toBe(qr);
  });

  it('re-renders with the previous answers, the same submission id and errors under the fields', () => {
    const card = buildSurveyCard({
      link,
      qrDataUri: 'data:image/png;base64,AAAA',
      now,
      values: { agencyType: 'health', setting: 'call 07700 900123', families: '4', method: 'email' },
      errors: { setting: 'That looks like contact details.' },
      notice: 'Not saved',
      submissionId: 'keep-me-123',
    });
    expect(validateCard(card)).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).toContain('settingError');
    expect(json).toContain('keep-me-123');
    expect(collect(card, 'Input.ChoiceSet').find((i) => i.id === 'agencyType')?.value).toBe('health');
    expect(collect(card, 'Input.Number')[0].value).toBe(4);
  });

  it('without a link, says so and offers no form', () => {
    const card = buildSurveyCard({ now });
    expect(validateCard(card)).toEqual([]);
    expect(collect(card, 'Input.Text')).toHaveLength(0);
  });

  it('logged and report cards are valid; bars are weighted columns', () => {
    expect(validateCard(buildSurveyLoggedCard(3, false))).toEqual([]);
    const report = aggregateShares([
      { submissionId: 'a', agencyType: 'health', families: 30, method: 'email', month: '2026-02', loggedAt: '' },
      { submissionId: 'b', agencyType: 'police', families: 10, method: 'letter', month: '2026-03', loggedAt: '' },
    ]);
    const card = buildSurveyReportCard(report, { currentUrl: link.url });
    expect(validateCard(card)).toEqual([]);
    const accent = collect(card, 'Column').filter((c) => c.style === 'accent').map((c) => c.width);
    expect(accent).toEqual(['100', '33']); // health 30 (max), police 10
  });

  it('survey log submit data: strings in, unknown keys dropped, other verbs ignored', () => {
    expect(parseSurveyLogSubmit({ verb: 'surveyLog', submissionId: 's1', families: 3, agencyType: 'health', readyMessage: 'x' })).toEqual({
      verb: 'surveyLog',
      submissionId: 's1',
      families: '3',
      agencyType: 'health',
    });
    expect(parseSurveyLogSubmit({ verb: 'escalationSubmit', submissionId: 's1' })).toBeUndefined();
  });
});
