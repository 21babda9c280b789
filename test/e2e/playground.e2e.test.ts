import * as fs from 'node:fs';
import { startTestBot, type TestBot } from '../helpers/bot-harness';
import { PlaygroundSession } from '../helpers/playground';

/**
 * The real-client path: the Microsoft 365 Agents Playground in headless Chromium, against the real bot on
 * Azurite. Each step waits for what a person would see, and saves a screenshot under test-artifacts/screenshots.
 */
describe('a person in the Agents Playground', () => {
  let t: TestBot;
  const pg = new PlaygroundSession();
  beforeAll(async () => {
    t = await startTestBot({ EMERGENCY_MASH_CONTACT: 'MASH: see your organisation’s procedures' });
    await pg.start(t.bot.port);
  }, 90_000);
  afterAll(async () => {
    await pg.stop();
    await t?.stop();
  });

  it('sees the welcome card on opening the chat', async () => {
    await pg.waitForText('Welcome to the CSCP assistant');
    expect(fs.existsSync(await pg.screenshot('01-welcome'))).toBe(true);
  });

  it('types help and sees the help card with a button for each feature', async () => {
    await pg.sendAndWait('help', 'How I can help');
    for (const button of ['Subscribe to the newsletter', 'Training', 'Parent survey', 'Escalate a concern']) {
      expect(await pg.page.getByRole('button', { name: button }).count()).toBeGreaterThan(0);
    }
    await pg.screenshot('02-help');
  });

  it('asks a question and sees the answer with sources, the out-of-date warning, the passage and feedback buttons', async () => {
    const outdatedBefore = await pg.count(/may be out of date/);
    await pg.sendAndWait('who should I contact about Prevent and radicalisation?', 'Sources', 20_000);
    await pg.waitForText(/may be out of date/, outdatedBefore + 1);
    expect(await pg.page.getByRole('button', { name: 'Like' }).count()).toBeGreaterThan(0);
    await pg.click(/Show the passage \[1\]/);
    await pg.screenshot('03-answer-with-sources');
  });

  it('hovers a citation marker and sees the pop-up: the passage and, beneath it, the document and section', async () => {
    await pg.sendAndWait('who are the delegated safeguarding partners?', /From the CSCP multi-agency arrangements — Delegated Safeguarding Partners/, 20_000);
    await pg.screenshot('03b-answer-names-its-source');
    const marker = pg.page.locator('a.fai-Citation').last();
    await marker.hover();
    const preview = pg.page.locator('.fai-PreviewContent').last();
    await preview.waitFor({ timeout: 5_000 });
    // The Playground draws the abstract (the passage) as the pop-up's link and the name (document — section) beneath it.
    expect(await preview.innerText()).toMatch(/CSCP (?:multi-agency arrangements|Annual Report 2024-2025) — /);
    await pg.screenshot('03c-citation-pop-up');
    await pg.page.mouse.move(5, 5);
  });

  it('asks a follow-up and gets it answered about the same group', async () => {
    await pg.sendAndWait('and how often do they meet?', /meet on a monthly basis/, 20_000);
    await pg.screenshot('03d-follow-up');
  });

  it('asks for a list in texting style and gets the list asked for whole, under its own opening line', async () => {
    await pg.sendAndWait('who r the lead safeguarding partners', /The three Lead Safeguarding Partners are:/, 20_000);
    const text = await pg.page.locator('body').innerText();
    expect(text).toMatch(/Coventry City Council Chief Executive[\s\S]*Coventry and Rugby Integrated Care Board Chief Executive[\s\S]*West Midlands Police Chief Constable/);
    await pg.screenshot('03e-answer-list');
  });

  it('asks for a figure from a table and gets its row, not the table run together and cut off', async () => {
    await pg.sendAndWait('how many people did the five to thrive training last year?', /Five to Thrive: 86/, 20_000);
    await pg.screenshot('03g-answer-table');
  });

  it('gets two paragraphs of one section when both are likely, the second introduced as such', async () => {
    await pg.sendAndWait('whats working well with neglect', /Also in the same section:/, 20_000);
    const text = await pg.page.locator('body').innerText();
    // The second paragraph's own sentence under "Also in the same section:" (which sentence is the sentence model's
    // choice: since the models retrained on 9,485 messages it quotes the toolkit, before that the training).
    // The section is named with its subject: the generic heading "What's working well?" under Neglect.
    expect(text).toMatch(/From the CSCP Annual Report 2024-2025 — Neglect \(what's working well\):[\s\S]*Also in the same section:\s*\n\s*\S[^\n]{20,}/);
    await pg.screenshot('03h-answer-same-section');
  });

  it('asks something the guidance only comes near, and is told so with the closest passages quoted', async () => {
    // (While the ranker's term weights were new, this was answered, wrongly, from a passage about a published
    // review, and the test asked about "the minutes of its executive group" instead; since the answer model learns
    // the cheaper choice it is declined again, and that other wording now gets signposts alone.)
    await pg.sendAndWait('does the partnership publish its meeting minutes anywhere?', /the closest I found/, 20_000);
    // The reply as the chat shows it, from its opening line to the signposts (the log panel repeats it on one
    // line, cut short, so it never matches): each passage under its own label, quoted in its own words.
    const text = await pg.page.locator('body').innerText();
    const replies = [...text.matchAll(/the closest I found:\s*\n([\s\S]*?)\nYou could try:/g)];
    expect(replies.length).toBeGreaterThan(0);
    const body = replies[replies.length - 1][1];
    const labels = body.match(/^From the CSCP [^\n]+:$/gm) ?? [];
    expect(labels.length).toBeGreaterThanOrEqual(2);
    for (const block of body.split(/^From the CSCP [^\n]+:$/m).slice(1)) expect(block.trim().length).toBeGreaterThan(40);
    await pg.screenshot('03f-closest');
  });

  it('asks something that may be a command, gets an answer with the command offered, and taps it', async () => {
    await pg.sendAndWait('any sessions on exploitation this term', 'Or did you want me to:', 20_000);
    await pg.screenshot('03i-command-offered');
    const before = await pg.count('Upcoming multi-agency training');
    await pg.click('Show upcoming training sessions');
    await pg.waitForText('Upcoming multi-agency training', before + 1, 20_000);
    await pg.screenshot('03j-offered-command-run');
  });

  it('describes a child in danger and sees 999 first', async () => {
    // The welcome and help cards also mention 999, so wait for the answer's own opening line.
    await pg.sendAndWait('a girl in my class has just told me she took a load of pills an hour ago', /^If a child is in immediate danger, call 999/);
    await pg.screenshot('04-urgent');
  });
});
