import * as fs from 'node:fs';
import type { DigestsFeature } from '../../bot/features/digests.feature';
import { startTestBot, type TestBot } from '../helpers/bot-harness';
import { PLAYGROUND_USER_AAD_ID as PLAYGROUND_USER_AAD, PlaygroundSession } from '../helpers/playground';
const OTHER_SUBSCRIBERS = 150;

const NEWSLETTER = [
  '# CSCP Newsletter Autumn 2026',
  'Welcome to the autumn edition of the Coventry Safeguarding Children Partnership newsletter.',
  '## Neglect toolkit relaunched',
  'The graded care profile has been refreshed. Practitioners should use it for every neglect assessment from November.',
  '## Escalation policy reminder',
  'If you disagree with a decision about a child, talk to the worker first. Then follow the [escalation policy](https://www.coventry.gov.uk/escalation).',
  '## Training places',
  'New dates for Working Together training are open. Book through the CSCP training pages.',
].join('\n\n');

/**
 * The digest path in a real client: the Microsoft 365 Agents Playground in headless Chromium against the real
 * bot on Azurite. Alex Wilber (the Playground's user) subscribes, then as an admin pastes a newsletter, previews
 * it, sends it and watches the preview turn into progress and the report; the digest card lands in the chat.
 * 150 more subscribers (served by the capture connector) make the delivery last long enough to watch.
 */
describe('digests in the Agents Playground', () => {
  let t: TestBot;
  let feature: DigestsFeature;
  const pg = new PlaygroundSession();
  beforeAll(async () => {
    t = await startTestBot({ ADMIN_IDS: PLAYGROUND_USER_AAD, DIGEST_RATE_PER_SECOND: '15' });
    feature = t.bot.deps.features.digests as DigestsFeature;
    for (let i = 0; i < OTHER_SUBSCRIBERS; i++) {
      await feature.service.subscribe({ kind: 'user', key: `seed-${i}`, target: { conversationId: `a:seed-${i}`, serviceUrl: t.connector.url, channelId: 'msteams', tenantId: 'tenant-1' } });
    }
    await pg.start(t.bot.port);
    await pg.waitForText('Welcome to the CSCP assistant');
  }, 120_000);
  afterAll(async () => {
    await pg.stop();
    await t?.stop();
  });

  it('a person types subscribe and sees that they are subscribed', async () => {
    await pg.sendAndWait('subscribe', 'You are subscribed to the CSCP newsletter digest: one card per newsletter.');
    expect(await feature.service.isSubscribed('user', PLAYGROUND_USER_AAD)).toBe(true);
    expect(fs.existsSync(await pg.screenshot('05-digest-subscribe'))).toBe(true);
  });

  it('the admin pastes a newsletter in the digest new card and sees the preview with Send now, Schedule and Cancel', async () => {
    await pg.sendAndWait('digest new', 'New newsletter digest');
    await pg.page.getByPlaceholder('e.g. CSCP Newsletter, Autumn 2026').last().fill('CSCP Newsletter Autumn 2026');
    await pg.page.getByPlaceholder('https://…').last().fill('https://www.coventry.gov.uk/cscp-newsletter');
    await pg.page.locator('textarea').last().fill(NEWSLETTER);
    await pg.click('Preview');
    await pg.waitForText(`This is exactly the card ${OTHER_SUBSCRIBERS + 1} subscribers will get.`);
    const buttons = await pg.page.getByRole('button').allInnerTexts();
    await pg.page.getByText('Preview', { exact: true }).last().scrollIntoViewIfNeeded();
    await pg.screenshot('06-digest-preview');
    expect(buttons).toEqual(expect.arrayContaining(['Send now', 'Schedule', 'Cancel', 'Ask me about this newsletter']));
    expect(await pg.page.getByText('Read the full newsletter').count()).toBeGreaterThan(0);
  });

  it('Send now turns the preview into a progress card, updated in place, ending as the delivery report', async () => {
    await pg.click('Send now');
    await pg.waitForText('Sending…', 1, 15_000);
    // A moment into the delivery: some sent, some pending (the card is updated every 5 s).
    await pg.waitForText(new RegExp(`^[1-9]\\d* of ${OTHER_SUBSCRIBERS + 1}$`), 1, 20_000);
    await pg.screenshot('07-digest-progress');
    await pg.waitForText('Delivery report', 1, 60_000);
    await pg.waitForText(`${OTHER_SUBSCRIBERS + 1} of ${OTHER_SUBSCRIBERS + 1}`);
    await pg.screenshot('07-digest-report');
    const { digest } = (await feature.service.listReports())[0];
    expect(digest.counts).toMatchObject({ total: OTHER_SUBSCRIBERS + 1, sent: OTHER_SUBSCRIBERS + 1, failed: 0 });
    // Progress replaced the preview: there is no second card, and its buttons are gone.
    expect(await pg.page.getByRole('button', { name: 'Send now' }).count()).toBe(0);
  }, 90_000);

  it('the digest card itself arrives in the chat, once', async () => {
    // The preview (which showed the same buttons) has become the report, so one is the digest that arrived.
    const cards = pg.page.getByRole('button', { name: 'Ask me about this newsletter' });
    expect(await cards.count()).toBe(1);
    await cards.first().scrollIntoViewIfNeeded();
    await pg.screenshot('08-digest-card');
    expect(t.connector.activities.filter((a) => a.method === 'POST' && a.conversationId.startsWith('a:seed-'))).toHaveLength(OTHER_SUBSCRIBERS);
  });

  it('"Ask me about this" on a story is answered from the newsletter, which went into the guidance index', async () => {
    const before = await pg.count(/graded care profile/i);
    await pg.click('Ask me about this', 'first');
    await pg.waitForText(/graded care profile/i, before + 1, 20_000);
    await pg.screenshot('09-digest-ask');
  });
});
