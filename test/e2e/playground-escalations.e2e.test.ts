import type { Locator } from 'playwright-core';
import { startTestBot, type TestBot } from '../helpers/bot-harness';
import { PLAYGROUND_USER_AAD_ID, PlaygroundSession } from '../helpers/playground';
import type { EscalationsFeature } from '../../bot/features/escalations.feature';

/**
 * Issue 6 in the real client: the Agents Playground (headless Chromium) against the real bot on Azurite.
 * Alex Wilber (the Playground's user) is admin and escalation team member, so one person can share and log
 * the survey, raise escalations, set the team channel, act on the channel card and read the reports.
 * Every step waits for what a person would see next; screenshots go to test-artifacts/screenshots.
 */
describe('survey and escalations in the Agents Playground', () => {
  let t: TestBot;
  const pg = new PlaygroundSession();
  const escalations = () => t.bot.deps.features.escalations as EscalationsFeature;
  const surveyShares = async () => {
    let n = 0;
    for await (const _ of t.bot.deps.tables.client('SurveyShares').listEntities()) n++;
    return n;
  };
  const savedEscalations = async () => (await escalations().service.listMine(PLAYGROUND_USER_AAD_ID)).length;
  /** The newest card on the page holding `text` (a re-rendered card replaces the old one in place). */
  const card = (text: string | RegExp): Locator => pg.page.locator('.ac-adaptiveCard').filter({ hasText: text }).last();
  const choose = async (scope: Locator, label: RegExp, option: string) => {
    await scope.getByRole('combobox', { name: label }).click();
    await pg.page.getByRole('option', { name: option, exact: true }).click();
  };
  const openConversation = async (name: 'General' | 'Personal Chat') => {
    await pg.page.getByText(name, { exact: true }).click();
    await pg.page.locator('[contenteditable="true"]').first().waitFor();
  };

  beforeAll(async () => {
    t = await startTestBot({ ADMIN_IDS: PLAYGROUND_USER_AAD_ID, ESCALATION_TEAM_IDS: PLAYGROUND_USER_AAD_ID });
    await pg.start(t.bot.port);
    await pg.waitForText('Welcome to the CSCP assistant');
  }, 90_000);
  afterAll(async () => {
    await pg.stop();
    await t?.stop();
  });

  it('shares the survey (link and QR code), is refused a phone number in the log, then logs 12 families', async () => {
    await pg.sendAndWait('survey set https://forms.office.com/r/abc123', 'Survey link set');
    await pg.sendAndWait('survey', 'Parents & Carers Voices survey');
    const survey = card('Parents & Carers Voices survey');
    await expect(survey.getByRole('link', { name: 'https://forms.office.com/r/abc123' }).isVisible()).resolves.toBe(true);
    const qr = survey.getByRole('img', { name: 'QR code for the survey link' });
    await qr.waitFor();
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 100)).toBe(true);
    await pg.screenshot('20-survey-card');

    await choose(survey, /Your type of agency/, 'Education');
    await survey.getByLabel('Setting', { exact: false }).fill('Call mum on 07700 900123');
    await survey.getByLabel('Number of families', { exact: false }).fill('12');
    await survey.getByRole('radio', { name: 'In person / QR code' }).click();
    const refusals = await pg.count(/That looks like contact details/);
    await survey.getByRole('button', { name: 'Log that I shared it' }).click();
    await pg.waitForText(/That looks like contact details/, refusals + 1);
    // The error sits on the same card (re-rendered in place), with the answers kept and nothing stored.
    const refused = card(/That looks like contact details/);
    await expect(refused.getByLabel('Number of families', { exact: false }).inputValue()).resolves.toBe('12');
    expect(await surveyShares()).toBe(0);
    await pg.screenshot('21-survey-log-refused');

    await refused.getByLabel('Setting', { exact: false }).fill('Primary school parents’ evening');
    const thanks = await pg.count('Thank you: logged 12 families.');
    await refused.getByRole('button', { name: 'Log that I shared it' }).click();
    await pg.waitForText('Thank you: logged 12 families.', thanks + 1);
    expect(await surveyShares()).toBe(1);
    await pg.screenshot('22-survey-logged');
  }, 60_000);

  it('raises an escalation: missing and wrong answers are shown on the form, then it is saved with a reference', async () => {
    await pg.sendAndWait('escalate', 'Escalate a concern');
    const form = card('Escalate a concern');
    await form.getByRole('radio', { name: /Professional disagreement about a decision/ }).click();
    await form.getByLabel('Other agency or team', { exact: false }).fill('MASH');
    await form.getByRole('button', { name: 'Send to the escalation team' }).click();
    // Required answers missing: the client marks them and sends nothing.
    await pg.waitForText('Choose a stage');
    await pg.waitForText('Please answer');
    expect(await savedEscalations()).toBe(0);
    await pg.screenshot('23-escalation-errors');

    // Everything filled, but a child's name as the case reference: the bot refuses it on the same card.
    await form.getByLabel('The decision or issue', { exact: false }).fill('MASH closed the contact with no further action despite new information from school.');
    await choose(form, /Stage already reached/, 'Stage 2: line managers');
    await form.getByLabel('What outcome do you want', { exact: false }).fill('Review of the decision by a MASH manager');
    await form.getByLabel('case reference', { exact: false }).fill('Jane Smith');
    await form.getByLabel('How can the team contact you', { exact: false }).fill('Alex Wilber, DSL, via Teams');
    await form.getByRole('radio', { name: 'Yes' }).click();
    const notices = await pg.count(/Not saved yet: please check the highlighted answers/);
    await form.getByRole('button', { name: 'Send to the escalation team' }).click();
    await pg.waitForText(/Not saved yet: please check the highlighted answers/, notices + 1);
    await pg.waitForText(/never a child’s name/);
    expect(await savedEscalations()).toBe(0);
    await card(/never a child’s name/).getByLabel('case reference', { exact: false }).scrollIntoViewIfNeeded();
    await pg.screenshot('23b-escalation-case-reference-refused');

    const fixed = card(/Not saved yet/);
    await fixed.getByLabel('case reference', { exact: false }).fill('CS-123456');
    const saved = await pg.count(/Saved: reference ESC-\d{4}-0001/);
    await fixed.getByRole('button', { name: 'Send to the escalation team' }).click();
    await pg.waitForText(/Saved: reference ESC-\d{4}-0001/, saved + 1);
    // No team channel yet: the card says so rather than claiming the team has it.
    await pg.waitForText(/posted to the escalation team’s channel as soon as/);
    expect(await savedEscalations()).toBe(1);
    await pg.screenshot('24-escalation-saved');
  }, 60_000);

  it('the team channel gets the card; Acknowledge and Resolve update it in place', async () => {
    await openConversation('General');
    const done = await pg.count(/new escalations will be posted in this channel/);
    const box = pg.page.locator('[contenteditable="true"]').first();
    await box.click();
    await pg.page.keyboard.type('@Test');
    await pg.page.getByRole('menuitem', { name: /Test Bot/ }).first().click();
    const headings = await pg.count(/Escalation ESC-\d{4}-0001/);
    await pg.page.keyboard.type(' escalations here');
    await pg.page.getByRole('button', { name: 'Post', exact: true }).click();
    await pg.waitForText(/new escalations will be posted in this channel/, done + 1);
    await pg.waitForText(/One escalation was waiting for a channel: it is posted here now/);

    // The escalation saved before the channel existed is posted as soon as the channel is set (no SLA check needed).
    await pg.waitForText(/Escalation ESC-\d{4}-0001/, headings + 1);
    expect((await escalations().sla.tick())?.posted).toEqual([]);
    const team = card(/Escalation ESC-\d{4}-0001/);
    await expect(team.getByText('Professional disagreement about a decision', { exact: false }).isVisible()).resolves.toBe(true);
    await pg.screenshot('25-escalation-channel-card');

    const acked = await pg.count(/Alex Wilber acknowledged it/);
    await team.getByRole('button', { name: 'Acknowledge' }).click();
    await pg.waitForText(/Alex Wilber acknowledged it/, acked + 1);
    await expect(team.getByRole('button', { name: 'Acknowledge' }).count()).resolves.toBe(0);
    await pg.screenshot('26-escalation-acknowledged');

    await team.getByRole('button', { name: 'Resolve' }).click();
    await team.getByLabel('Outcome', { exact: false }).fill('MASH manager reviewed the decision; the contact is reopened for assessment.');
    const resolved = await pg.count(/Alex Wilber resolved it/);
    await team.getByRole('button', { name: 'Resolve' }).last().click();
    await pg.waitForText(/Alex Wilber resolved it/, resolved + 1);
    await expect(team.getByRole('button', { name: 'Reopen' }).isVisible()).resolves.toBe(true);
    const [stored] = await escalations().service.listMine(PLAYGROUND_USER_AAD_ID);
    expect(stored.record).toMatchObject({ status: 'resolved', resolution: expect.stringContaining('MASH manager reviewed') });
    await pg.screenshot('27-escalation-resolved');
  }, 60_000);

  it('back in the personal chat: the submitter was told, sees my escalations and the survey report', async () => {
    await openConversation('Personal Chat');
    await pg.waitForText(/Alex Wilber acknowledged your escalation ESC-\d{4}-0001/);
    await pg.waitForText(/Alex Wilber resolved your escalation ESC-\d{4}-0001/);
    await pg.screenshot('28-escalation-notified');

    await pg.sendAndWait('my escalations', 'My escalations');
    await expect(card('My escalations').getByText(/Outcome: MASH manager reviewed the decision/).isVisible()).resolves.toBe(true);
    await pg.screenshot('29-my-escalations');

    await pg.sendAndWait('survey report', 'Parent survey reach');
    await expect(card('Parent survey reach').getByText(/12\s*families reached through\s*1\s*logged share/).count()).resolves.toBe(1);
    await pg.screenshot('30-survey-report');
  }, 60_000);

  it('an escalation with the child not safe right now shows the 999 guidance and is flagged urgent', async () => {
    await pg.sendAndWait('escalate', 'Escalate a concern');
    const form = card('Escalate a concern');
    await form.getByRole('radio', { name: /Concern about another agency/ }).click();
    await form.getByLabel('Other agency or team', { exact: false }).fill('Health visiting team');
    await form.getByLabel('The decision or issue', { exact: false }).fill('Repeated missed visits were not followed up with the family.');
    await choose(form, /Stage already reached/, 'Stage 1: practitioner to practitioner');
    await form.getByLabel('What outcome do you want', { exact: false }).fill('A joint visit and a plan');
    await form.getByLabel('How can the team contact you', { exact: false }).fill('Alex Wilber, DSL, via Teams');
    await form.getByRole('radio', { name: /No: I will also/ }).click();
    const guidance = await pg.count('Recording an escalation here does not replace a referral or a call.');
    await form.getByRole('button', { name: 'Send to the escalation team' }).click();
    await pg.waitForText('Recording an escalation here does not replace a referral or a call.', guidance + 1);
    await pg.waitForText(/Saved: reference ESC-\d{4}-0002/);
    const confirmation = card(/Saved: reference ESC-\d{4}-0002/);
    await expect(confirmation.getByText(/call 999/).isVisible()).resolves.toBe(true);
    await expect(confirmation.getByText(/because the child is not safe right now/).isVisible()).resolves.toBe(true);
    await expect(confirmation.getByText(/has been posted to the CSCP escalation team’s channel/).isVisible()).resolves.toBe(true);
    const [urgent] = await escalations().service.listMine(PLAYGROUND_USER_AAD_ID);
    expect(urgent.record).toMatchObject({ urgent: true, status: 'new' });
    expect(urgent.record.channelActivityId).toBeTruthy();
    await confirmation.scrollIntoViewIfNeeded();
    await pg.screenshot('31-escalation-urgent');

    // The team sees it at once, marked urgent.
    await openConversation('General');
    await pg.waitForText(/URGENT · Escalation ESC-\d{4}-0002/);
    await pg.screenshot('32-escalation-urgent-channel');
  }, 60_000);
});
