import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startTestBot, type TestBot } from '../helpers/bot-harness';
import { PlaygroundSession } from '../helpers/playground';
import { testConnectionString, uniquePrefix } from '../helpers/storage';

const root = path.join(__dirname, '..', '..');

/**
 * The first two minutes, as the README's quick start tells a newcomer: `npm run demo` (the real command, seeding
 * the local storage) and then the bot, with nothing in ADMIN_IDS or TRAINER_IDS, in the Agents Playground. Every
 * feature has something to show: the staff commands on the welcome card, an answer with its sources, the two sample
 * sessions to book, the trainer's list, the survey link, the sample newsletter's preview, subscribing, the
 * escalation form; then a 40-story newsletter pasted as plain text. Screenshots 40–48 in test-artifacts/screenshots/.
 */
describe('npm run demo, then the bot, in the Agents Playground', () => {
  let t: TestBot;
  const pg = new PlaygroundSession();
  const card = (text: string | RegExp) => pg.page.locator('.ac-adaptiveCard', { hasText: text }).last();

  beforeAll(async () => {
    const prefix = uniquePrefix();
    // The demo refuses a storage account but takes a local Azurite: the tests' own, under this suite's prefix.
    const demo = spawnSync(process.execPath, ['scripts/run-ts.js', 'src/cli/demo.cli.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, AZURE_STORAGE_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: prefix },
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (demo.status !== 0) throw new Error(`npm run demo failed: ${demo.stderr}`);
    expect(demo.stdout).toContain('Sample data for trying the bot locally');
    t = await startTestBot({ TABLE_PREFIX: prefix });
    await pg.start(t.bot.port);
    await pg.waitForText('Welcome to the CSCP assistant');
  }, 120_000);
  afterAll(async () => {
    await pg.stop();
    await t?.stop();
  });

  it('the welcome card already shows the staff commands: the demo gave the Playground user the admin and trainer roles', async () => {
    await pg.waitForText('Your staff commands');
    await pg.waitForText(/Admin: digest new/);
    await pg.waitForText(/Trainer: training new/);
    await pg.screenshot('40-demo-welcome');
  });

  it('a question in plain words is answered from the guidance, with its sources', async () => {
    await pg.sendAndWait('what is professional curiosity?', 'Sources', 20_000);
    await pg.screenshot('41-demo-question');
  });

  it('training shows the two sample sessions, online and in person, and a place can be booked', async () => {
    await pg.sendAndWait('training', 'Upcoming multi-agency training');
    const list = card('Upcoming multi-agency training');
    await expect(list.getByText('Professional Curiosity', { exact: false }).first().isVisible()).resolves.toBe(true);
    await expect(list.getByText('Working Together to Safeguard Children', { exact: false }).first().isVisible()).resolves.toBe(true);
    await expect(list.getByText(/Council House, Coventry \(sample venue\)/).first().isVisible()).resolves.toBe(true);
    expect(await list.getByText(/SAMPLE \(npm run demo\)/).count()).toBe(2);
    const booked = await pg.count(/Booked ✓/);
    await list.getByRole('button', { name: 'Book a place', exact: true }).first().click();
    await pg.waitForText(/Booked ✓/, booked + 1);
    await card('Upcoming multi-agency training').scrollIntoViewIfNeeded();
    await pg.screenshot('42-demo-training-booked');
  });

  it('the trainer sees the sample sessions with their bookings', async () => {
    await pg.sendAndWait('training list', 'Training sessions (trainer view)');
    await pg.screenshot('43-demo-trainer-list');
  });

  it('the parent survey card has the sample link and its QR code', async () => {
    await pg.sendAndWait('survey', 'Parents & Carers Voices survey');
    const survey = card('Parents & Carers Voices survey');
    expect(await survey.locator('img').count()).toBeGreaterThan(0);
    expect(await survey.innerText()).toContain('CSCP-sample-parent-survey');
    await pg.screenshot('44-demo-survey');
  });

  it('subscribe, then digest report → Preview: the sample newsletter exactly as subscribers get it; Send now delivers it', async () => {
    await pg.sendAndWait('subscribe', 'You are subscribed to the CSCP newsletter digest');
    await pg.sendAndWait('digest report', 'Newsletter digests');
    await card('Newsletter digests').getByRole('button', { name: 'Preview', exact: true }).click();
    await pg.waitForText('This is exactly the card 1 subscriber will get.');
    const preview = card('This is exactly the card 1 subscriber will get.');
    for (const title of ['Neglect toolkit relaunched', 'Escalation policy reminder', 'Safe Spaces across the city', 'Training places', 'Parents and carers survey']) {
      await expect(preview.getByText(title, { exact: true }).isVisible()).resolves.toBe(true);
    }
    await preview.getByText('Preview', { exact: true }).scrollIntoViewIfNeeded();
    await pg.screenshot('45-demo-newsletter-preview');

    await preview.getByRole('button', { name: 'Send now' }).click();
    await pg.waitForText('Delivery report', 1, 30_000);
    // The digest itself arrives in the chat: the one card with "Ask me about this newsletter" (the preview has become the report).
    const arrived = pg.page.getByRole('button', { name: 'Ask me about this newsletter' });
    await arrived.first().waitFor({ timeout: 15_000 });
    expect(await arrived.count()).toBe(1);
    await arrived.first().scrollIntoViewIfNeeded();
    await pg.screenshot('46-demo-newsletter-delivered');
  }, 60_000);

  it('digest new: a 40-story newsletter pasted as plain text previews as 8 stories and "Show 32 more stories"', async () => {
    await pg.sendAndWait('digest new', 'New newsletter digest');
    await pg.page.locator('textarea').last().fill(fs.readFileSync(path.join(root, 'test/fixtures/newsletters/txt/forty.txt'), 'utf8'));
    await pg.click('Preview');
    await pg.waitForText('CSCP News in Brief — Issue 40');
    const preview = card('CSCP News in Brief — Issue 40');
    await preview.getByRole('button', { name: 'Show 32 more stories' }).click();
    await expect(preview.getByText('Brief 40: Missing children update', { exact: true }).isVisible()).resolves.toBe(true);
    await preview.getByText('Brief 8: Missing children update', { exact: true }).scrollIntoViewIfNeeded();
    await pg.screenshot('48-demo-forty-stories-preview');
    await preview.getByRole('button', { name: 'Cancel', exact: true }).last().click();
    await pg.waitForText(/Cancelled/);
  });

  it('the escalation form', async () => {
    await pg.sendAndWait('escalate', 'Escalate a concern');
    await pg.screenshot('47-demo-escalation-form');
  });
});
