import { ManualClock } from '../../../src/clock';
import { testConfig } from '../../../src/config';
import { UserInputError } from '../../../src/errors';
import type { Tables } from '../../../src/storage/tables';
import { createSurveyService } from '../../../src/surveys/survey.service';
import { testTables } from '../../helpers/storage';

const share = (id: string, extra: Record<string, unknown> = {}) => ({
  submissionId: `sub-${id}-000000`,
  agencyType: 'education',
  setting: 'Primary school',
  families: '12',
  method: 'in-person',
  ...extra,
});

describe('survey service on Azure Table storage', () => {
  let tables: Tables;
  const clock = new ManualClock('2026-03-10T10:00:00Z');
  const config = testConfig({ SURVEY_ALLOWED_HOSTS: 'forms.office.com' });
  beforeAll(async () => {
    tables = await testTables();
  });
  afterAll(async () => tables.dropAll());
  const svc = () => createSurveyService({ tables, clock, config });

  it('refuses non-https and off-list hosts with a friendly UserInputError, and stores nothing', async () => {
    await expect(svc().setLink('http://forms.office.com/r/abc', 'admin1')).rejects.toThrow(/https/);
    await expect(svc().setLink('https://evil.example.com/r/abc', 'admin1')).rejects.toThrow(/approved site: forms.office.com/);
    await expect(svc().setLink('https://forms.office.com.evil.com/x', 'admin1')).rejects.toBeInstanceOf(UserInputError);
    await expect(svc().setLink('not a url', 'admin1')).rejects.toBeInstanceOf(UserInputError);
    expect(await svc().currentLink()).toBeUndefined();
  });

  it('keeps the current link and earlier ones with their dates', async () => {
    await svc().setLink('https://forms.office.com/r/first', 'admin1');
    clock.advance(60_000);
    await svc().setLink('https://FORMS.office.com/r/second', 'admin2');
    const current = await svc().currentLink();
    expect(current).toEqual({ url: 'https://forms.office.com/r/second', setAt: '2026-03-10T10:01:00.000Z', setBy: 'admin2' });
    const history = await svc().linkHistory();
    expect(history.map((h) => h.url)).toEqual(['https://forms.office.com/r/second', 'https://forms.office.com/r/first']);
    expect(history[1].setAt).toBe('2026-03-10T10:00:00.000Z');
  });

  it('makes a small PNG QR code', async () => {
    const uri = await svc().qrCode('https://forms.office.com/Pages/ResponsePage.aspx?id=abcdefghijklmnopqrstuvwxyz0123456789');
    expect(uri.startsWith('data:image/png;base64,')).toBe(true);
    expect(uri.length).toBeLessThan(4000);
  });

  it('refuses an email address or phone number in the setting and writes nothing', async () => {
    const s = svc();
    for (const setting of ['gave it to jo@example.com', 'mum on 07700 900123', 'dad +44 7700 900123', 'call 024 7683 3003']) {
      const err = await s.logShare(share(`pii${setting.length}`, { setting })).catch((e) => e);
      expect(err).toBeInstanceOf(UserInputError);
      expect(err.message).toMatch(/contact details/);
      expect(err.fieldErrors.setting).toMatch(/email address or phone number/);
    }
    expect((await s.report()).total.shares).toBe(0);
  });

  it('gives field errors for missing or silly values', async () => {
    const err = await svc()
      .logShare({ submissionId: 'sub-bad-000000', agencyType: 'aliens', families: '0', method: '' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(UserInputError);
    expect(Object.keys(err.fieldErrors).sort()).toEqual(['agencyType', 'families', 'method']);
    const future = await svc().logShare(share('future', { month: '2026-04' })).catch((e) => e);
    expect(future.fieldErrors.month).toMatch(/not happened/);
    const huge = await svc().logShare(share('huge', { families: '999999' })).catch((e) => e);
    expect(huge.fieldErrors.families).toMatch(/At most/);
  });

  it('stores one share per submission id and aggregates reach by agency and month, with a CSV', async () => {
    const s = svc();
    const first = await s.logShare(share('a'));
    const again = await s.logShare(share('a', { families: '99' }));
    expect(first.duplicate).toBe(false);
    expect(again.duplicate).toBe(true);
    expect(again.share.families).toBe(12);
    await s.logShare(share('b', { agencyType: 'health', families: '5', method: 'email', setting: '' }));
    await s.logShare(share('c', { agencyType: 'health', families: '3', method: 'email', month: '2026-01' }));
    await s.logShare(share('d', { agencyType: 'education', families: '1', month: '2026-01', setting: '=HYPERLINK("x")' }));

    const r = await s.report();
    expect(r.total).toEqual({ shares: 4, families: 21 });
    expect(r.byAgency.find((a) => a.agencyType === 'education')).toMatchObject({ shares: 2, families: 13 });
    expect(r.byAgency.find((a) => a.agencyType === 'health')).toMatchObject({ shares: 2, families: 8 });
    expect(r.byAgency.find((a) => a.agencyType === 'police')).toMatchObject({ shares: 0, families: 0 });
    expect(r.byMonth).toEqual([
      { month: '2026-01', shares: 2, families: 4 },
      { month: '2026-03', shares: 2, families: 17 },
    ]);

    const csv = await s.reportCsv();
    expect(csv.split('\r\n')).toEqual([
      'Month,Agency type,How shared,Shares logged,Families reached',
      '2026-01,Education,In person / QR code,1,1',
      '2026-01,Health,Email,1,3',
      '2026-03,Education,In person / QR code,1,12',
      '2026-03,Health,Email,1,5',
      '',
    ]);
  });
});
