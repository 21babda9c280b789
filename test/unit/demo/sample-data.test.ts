import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { azuriteConnectionString, testConfig } from '../../../src/config';
import { createDigestService } from '../../../src/digests/digest.service';
import { demoRefusal, PLAYGROUND_USER_AAD_ID, SAMPLE_LABEL, seedSample } from '../../../src/demo/sample-data';
import { SAMPLE_NEWSLETTER_TITLE } from '../../../src/demo/sample-newsletter';
import { createDeliveryEngine } from '../../../src/delivery/delivery.engine';
import { createLogger } from '../../../src/logger';
import { createRoleService } from '../../../src/roles/role.service';
import { createTables, type Tables } from '../../../src/storage/tables';
import { createSurveyService } from '../../../src/surveys/survey.service';
import { createTrainingService } from '../../../src/training/training.service';
import { testConnectionString, testTables } from '../../helpers/storage';

const root = path.join(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startAzurite, freePort } = require('../../../scripts/azurite.js') as {
  startAzurite(o: { port: number; location: string }): Promise<{ stop(): Promise<void> }>;
  freePort(): Promise<number>;
};
const clock = { now: () => new Date('2026-11-30T12:00:00Z') };
const logger = createLogger('silent');
const nothing = () => ({ text: '' });

describe('npm run demo: a labelled sample for a first local run', () => {
  let tables: Tables;
  const config = () => testConfig({ AZURE_STORAGE_CONNECTION_STRING: testConnectionString() });
  beforeAll(async () => {
    tables = await testTables();
  });
  afterAll(() => tables.dropAll());

  it('gives the Playground user the admin, trainer and escalation roles through role grants (revocable, not configuration)', async () => {
    const roles = createRoleService(config(), tables, clock);
    expect(await roles.has('admin', PLAYGROUND_USER_AAD_ID)).toBe(false);
    await seedSample({ tables, config: config(), clock, logger });
    for (const role of ['admin', 'trainer', 'escalation'] as const) {
      expect(await roles.list(role)).toEqual([{ id: PLAYGROUND_USER_AAD_ID, source: 'granted' }]);
    }
  });

  it('seeds two upcoming sessions (online with a join link, in person with a venue), a survey link and a draft newsletter; a second run adds nothing', async () => {
    const first = await seedSample({ tables, config: config(), clock, logger });
    const second = await seedSample({ tables, config: config(), clock, logger });
    expect(second.sessions.map((s) => s.id)).toEqual(first.sessions.map((s) => s.id));
    expect(second.sessions.every((s) => !s.created) && !second.digest.created && !second.survey.set).toBe(true);

    const engine = createDeliveryEngine({ tables, notifier: { send: async () => ({}), update: async () => undefined }, clock, logger, ratePerSecond: 20 });
    const training = createTrainingService({
      tables, clock, logger, engine, conversations: { target: async () => undefined },
      render: { reminder: nothing, cancelled: nothing, changed: nothing, promoted: nothing, trainerMessage: nothing },
      settings: { reminderDays: [7, 1], reminderTime: '09:00', onlineReminderMinutes: 60 },
    });
    const upcoming = await training.upcoming();
    expect(upcoming.map((v) => v.session.mode).sort()).toEqual(['in-person', 'online']);
    for (const { session } of upcoming) {
      expect(new Date(session.startUtc).getTime()).toBeGreaterThan(clock.now().getTime());
      expect(session.notes).toBe(SAMPLE_LABEL);
    }
    expect(upcoming.find((v) => v.session.mode === 'online')!.session.joinUrl).toMatch(/^https:\/\//);
    expect(upcoming.find((v) => v.session.mode === 'in-person')!.session.venue).toMatch(/sample/i);

    const link = await createSurveyService({ tables, clock, config: config() }).currentLink();
    expect(config().survey.allowedHosts).toContain(new URL(link!.url).hostname);

    const digests = createDigestService({ tables, engine, notifier: { send: async () => ({}), update: async () => undefined }, clock, config: config(), logger, render: { digest: () => ({}), progress: () => ({}) } });
    const drafts = (await digests.listReports()).map((r) => r.digest).filter((d) => d.title === SAMPLE_NEWSLETTER_TITLE);
    expect(drafts).toHaveLength(1);
    expect(drafts[0].status).toBe('draft');
    expect(drafts[0].items.map((i) => i.headline)).toEqual(['Neglect toolkit relaunched', 'Escalation policy reminder', 'Safe Spaces across the city', 'Training places', 'Parents and carers survey']);
  });

  it('on a later day keeps the sample sessions still to come, and adds new ones once they have passed', async () => {
    const own = await testTables();
    try {
      const first = await seedSample({ tables: own, config: config(), clock, logger });
      const later = await seedSample({ tables: own, config: config(), clock: { now: () => new Date('2026-12-03T12:00:00Z') }, logger });
      expect(later.sessions.map((s) => s.id)).toEqual(first.sessions.map((s) => s.id));
      const afterwards = await seedSample({ tables: own, config: config(), clock: { now: () => new Date('2027-01-05T12:00:00Z') }, logger });
      expect(afterwards.sessions.every((s) => s.created && new Date(s.startUtc) > new Date('2027-01-05T12:00:00Z'))).toBe(true);
      expect(afterwards.digest.created).toBe(false);
    } finally {
      await own.dropAll();
    }
  });

  it('a survey link already set is left as it was', async () => {
    const own = await testTables();
    try {
      await createSurveyService({ tables: own, clock, config: config() }).setLink('https://www.smartsurvey.co.uk/s/real-cscp', 'admin');
      const r = await seedSample({ tables: own, config: config(), clock, logger });
      expect(r.survey).toEqual({ url: 'https://www.smartsurvey.co.uk/s/real-cscp', set: false });
    } finally {
      await own.dropAll();
    }
  });

  it('refuses production and a real storage account, and writes nothing', async () => {
    expect(demoRefusal(testConfig({ AZURE_STORAGE_CONNECTION_STRING: 'DefaultEndpointsProtocol=https;AccountName=cscp;AccountKey=eQ==;EndpointSuffix=core.windows.net' }))).toMatch(/storage account/);
    expect(demoRefusal(testConfig({ AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' }))).toBeUndefined();
    expect(demoRefusal(config())).toBeUndefined();
    const prod = { ...config(), env: 'production' as const };
    expect(demoRefusal(prod)).toMatch(/NODE_ENV=production/);
    const own = await testTables();
    try {
      await expect(seedSample({ tables: own, config: prod, clock, logger })).rejects.toThrow(/production/);
      expect(await createRoleService(prod, own, clock).list('admin')).toEqual([]);
    } finally {
      await own.dropAll();
    }
  });

  it('the command starts the on-disk Azurite npm start uses, seeds it, stops it, and the sample is there for the next start', async () => {
    const location = fs.mkdtempSync(path.join(os.tmpdir(), 'cscp-demo-'));
    const port = await freePort();
    let az: { stop(): Promise<void> } | undefined;
    try {
      const demo = spawnSync(process.execPath, ['scripts/run-ts.js', 'src/cli/demo.cli.ts'], {
        cwd: root,
        env: { PATH: process.env.PATH!, HOME: process.env.HOME!, AZURITE_LOCATION: location, AZURITE_TABLE_PORT: String(port) },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(demo.status).toBe(0);
      expect(demo.stdout).toContain('Next: npm start');
      // Azurite was stopped by the demo; started again from the same folder (as npm start does), it holds the sample.
      az = await startAzurite({ port, location });
      const tables = createTables(azuriteConnectionString(port), 'cscp');
      const local = testConfig({ AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(port) });
      expect(await createRoleService(local, tables, clock).has('trainer', PLAYGROUND_USER_AAD_ID)).toBe(true);
      expect((await createSurveyService({ tables, clock, config: local }).currentLink())?.url).toContain('CSCP-sample-parent-survey');
    } finally {
      await az?.stop();
      fs.rmSync(location, { recursive: true, force: true });
    }
  }, 90_000);

  it('the command itself exits 1 with a clear message for production and for a real storage account', () => {
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, ['scripts/run-ts.js', 'src/cli/demo.cli.ts'], { cwd: root, env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env }, encoding: 'utf8', timeout: 60_000 });
    const prod = run({ NODE_ENV: 'production' });
    expect(prod.status).toBe(1);
    expect(prod.stderr).toContain('refuses to run with NODE_ENV=production');
    const real = run({ AZURE_STORAGE_CONNECTION_STRING: 'DefaultEndpointsProtocol=https;AccountName=cscp;AccountKey=eQ==;EndpointSuffix=core.windows.net' });
    expect(real.status).toBe(1);
    expect(real.stderr).toContain('nothing was written');
  }, 60_000);
});
