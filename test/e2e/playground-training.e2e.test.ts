import * as fs from 'node:fs';
import { DateTime } from 'luxon';
import type { TrainingFeature } from '../../bot/features/training.feature';
import { startTestBot, type TestBot } from '../helpers/bot-harness';
import { PLAYGROUND_USER_AAD_ID, PlaygroundSession } from '../helpers/playground';

const COURSE = 'Working Together to Safeguard Children';
const LIST = 'Upcoming multi-agency training';
const TRAINER_LIST = 'Training sessions (trainer view)';

/**
 * Training in the real client: the Agents Playground's default user (Alex Wilber) is a trainer, publishes a
 * session through the form, books it (Action.Execute: the Playground refreshes the card from the invoke reply),
 * cancels the booking, books again, sees it in "my training", opens the attendee list, edits another session
 * and cancels the first; then a form with 0 places is refused on the card.
 * The Playground renders cards with Fluent UI, so inputs are filled as a person does: the date from the
 * calendar pop-up, times and courses from their drop-down lists.
 */
describe('a trainer and practitioner in the Agents Playground', () => {
  let t: TestBot;
  const pg = new PlaygroundSession();
  // A day next month: always in the future, and one click on the calendar's "next month" away (in the local
  // zone, which the browser's calendar shares with this process).
  const day = DateTime.local().plus({ months: 1 }).set({ day: 15 });

  beforeAll(async () => {
    t = await startTestBot({ TRAINER_IDS: PLAYGROUND_USER_AAD_ID });
    // A second course with a session, so the course filter shows on the practitioner's card as it would in use.
    const { service } = t.bot.deps.features.training as TrainingFeature;
    const other = (await service.listCourses()).find((c) => c.name !== COURSE)!;
    await service.createSession(
      { courseId: other.id, date: day.plus({ days: 3 }).toISODate()!, startTime: '13:30', endTime: '15:00', mode: 'online', joinUrl: 'https://teams.microsoft.com/l/meetup-join/example', capacity: 20 },
      { id: 'trainer-2', name: 'Sam Trainer' },
      'seeded-session-1',
    );
    await pg.start(t.bot.port);
    await pg.waitForText('Welcome to the CSCP assistant');
  }, 90_000);
  afterAll(async () => {
    await pg.stop();
    await t?.stop();
  });

  /** The newest card whose text includes `title`. */
  const card = (title: string) => pg.page.locator('.ac-adaptiveCard', { hasText: title }).last();
  /** One session's block on a card: the innermost container naming the course that has `button`. */
  const block = (title: string, button: string) =>
    card(title).locator('.ac-container', { hasText: COURSE }).filter({ has: pg.page.getByRole('button', { name: button, exact: true }) }).last();
  const button = (where: ReturnType<typeof card>, name: string) => where.getByRole('button', { name, exact: true });
  /** Action.OpenUrl renders as a link-role button whose title is the URL. */
  const calendarLink = (where: ReturnType<typeof card>) => where.getByRole('link', { name: 'Add to calendar', exact: true });

  const last = (role: 'combobox' | 'button' | 'radio' | 'spinbutton' | 'textbox', name: string | RegExp) => pg.page.getByRole(role, { name }).last();

  /** Fills the session form as a person would; `places` as typed. */
  async function fillSessionForm(places: string): Promise<void> {
    await last('combobox', 'Course').click();
    await pg.page.getByRole('option', { name: COURSE, exact: true }).click();
    await last('combobox', 'Date').click();
    await pg.page.getByRole('button', { name: /^Next month/ }).click();
    await pg.page.getByRole('button', { name: `${day.day}, ${day.setLocale('en-US').toFormat('LLLL')}, ${day.year}` }).click();
    await last('combobox', 'Starts').click();
    await pg.page.getByRole('option', { name: '10:00 AM', exact: true }).click();
    await last('combobox', 'Ends').click();
    await pg.page.getByRole('option', { name: '12:30 PM', exact: true }).click();
    await last('radio', 'In person').check();
    await last('textbox', /^Venue/).fill('Council House');
    await last('spinbutton', 'Places').fill(places);
  }

  it('publishes a session from the "training new" form', async () => {
    await pg.sendAndWait('training new', 'New training session');
    await fillSessionForm('2');
    expect(await last('combobox', 'Date').inputValue()).toBe(day.setLocale('en-US').toFormat('LLLL d, yyyy'));
    await pg.screenshot('10-training-new');
    const before = await pg.count('Session published ✓');
    await pg.click('Publish session');
    await pg.waitForText('Session published ✓', before + 1);
    await pg.waitForText(/10:00–12:30/);
    expect(await pg.count('Council House')).toBeGreaterThan(0);
    await pg.screenshot('11-training-published');
  });

  it('books a place: the card turns to "Booked ✓" with Cancel booking and Add to calendar, and a confirmation follows', async () => {
    await pg.sendAndWait('training', 'Upcoming multi-agency training');
    await button(block(LIST, 'Book a place'), 'Book a place').click();
    await pg.waitForText(/^Booked ✓ Working Together/); // the notice on the refreshed card
    const booked = block(LIST, 'Cancel booking');
    await calendarLink(booked).waitFor();
    expect(await calendarLink(booked).getAttribute('title')).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meeting\/new\?subject=CSCP%20training%3A%20Working%20Together.*startTime=.*T10%3A00/);
    await expect(booked.getByText('Booked ✓', { exact: true }).count()).resolves.toBe(1);
    // The confirmation message, with its own Add to calendar and Cancel booking.
    await pg.waitForText('I will remind you before the session');
    const confirmation = card('I will remind you before the session');
    await expect(calendarLink(confirmation).count()).resolves.toBe(1);
    await expect(button(confirmation, 'Cancel booking').count()).resolves.toBe(1);
    await button(confirmation, 'Cancel booking').scrollIntoViewIfNeeded(); // both cards in the picture
    const attendees = await service().attendees(await sessionIdOf(COURSE));
    expect(attendees.booked.map((b) => b.personName)).toEqual(['Alex Wilber']);
    await pg.screenshot('12-training-booked');
  });

  it('cancels the booking from the same card, which offers "Book a place" again', async () => {
    await button(block(LIST, 'Cancel booking'), 'Cancel booking').click();
    await pg.waitForText(/^Cancelled: you are no longer booked/);
    await button(block(LIST, 'Book a place'), 'Book a place').waitFor();
    await expect(block(LIST, 'Book a place').getByText('2 of 2 places left').count()).resolves.toBe(1);
    expect((await service().attendees(await sessionIdOf(COURSE))).booked).toHaveLength(0);
    await pg.screenshot('13-training-cancelled-booking');
  });

  it('books again and sees it under "my training"', async () => {
    const before = await pg.count(/^Booked ✓ Working Together/);
    await button(block(LIST, 'Book a place'), 'Book a place').click();
    await pg.waitForText(/^Booked ✓ Working Together/, before + 1);
    await pg.sendAndWait('my training', 'See all training');
    const mine = card('See all training');
    await expect(mine.getByText(COURSE).count()).resolves.toBe(1);
    await expect(button(mine, 'Cancel booking').count()).resolves.toBe(1);
    await pg.screenshot('14-training-my');
  });

  it('as the trainer, lists sessions with bookings and opens the attendee list', async () => {
    await pg.sendAndWait('training list', 'Training sessions (trainer view)');
    await pg.waitForText(/Council House · 1 of 2 booked · 1 place left/);
    const before = await pg.count(`Attendees: ${COURSE}`);
    await button(block(TRAINER_LIST, 'Attendees'), 'Attendees').click();
    await pg.waitForText(`Attendees: ${COURSE}`, before + 1);
    await pg.waitForText('Booked (1 of 2)');
    await expect(card(`Attendees: ${COURSE}`).locator('li').allTextContents()).resolves.toEqual(['Alex Wilber']);
    await pg.screenshot('15-training-list-attendees');
  });

  it('as the trainer, changes the other session from its prefilled form', async () => {
    const other = card(TRAINER_LIST).locator('.ac-container', { hasText: 'Online · 0 of 20 booked' }).filter({ has: pg.page.getByRole('button', { name: 'Edit / reschedule' }) }).last();
    await button(other, 'Edit / reschedule').click();
    await pg.waitForText('Change a training session');
    const form = card('Change a training session');
    // prefilled from the session as the Playground shows it
    await expect(form.getByRole('combobox', { name: 'Starts' }).inputValue()).resolves.toBe('1:30 PM');
    await expect(form.getByRole('textbox', { name: /^Join link/ }).inputValue()).resolves.toBe('https://teams.microsoft.com/l/meetup-join/example');
    await form.getByRole('spinbutton', { name: 'Places' }).fill('25');
    await button(form, 'Save changes').click();
    await pg.waitForText('Session saved ✓');
    await pg.waitForText('25 places. Nobody has booked yet, so nobody needs telling.');
    await pg.screenshot('15b-training-edit');
  });

  it('cancels the session with a reason; the person booked is told', async () => {
    await button(block(TRAINER_LIST, 'Cancel session'), 'Cancel session').click();
    await card(TRAINER_LIST).getByRole('textbox', { name: /^Reason/ }).last().fill('The trainer is unwell');
    await pg.click('Cancel this session');
    await pg.waitForText(/^Cancelled Working Together to Safeguard Children\. The 1 person booked or waiting is being told\./);
    await pg.waitForText(/Council House · the 1 person booked or waiting was told/);
    // The booked person (here the trainer themself) gets the cancellation through the outbox.
    await pg.waitForText('Training session cancelled', 1, 20_000);
    await pg.waitForText(/Reason: The trainer is unwell/);
    expect((await service().getSession(await sessionIdOf(COURSE, true)))?.status).toBe('cancelled');
    // A taller window: the trainer's refreshed list and the notice the booked person got, in one picture.
    await pg.page.setViewportSize({ width: 1280, height: 2000 });
    await card(TRAINER_LIST).getByText(/^Cancelled Working Together/).scrollIntoViewIfNeeded();
    await pg.screenshot('16-training-cancel-session');
    await pg.page.setViewportSize({ width: 1280, height: 1200 });
  });

  it('refuses 0 places on the form, under the field, and publishes nothing', async () => {
    const sessionsBefore = (await service().trainerSessions()).length;
    await pg.sendAndWait('training new', 'New training session');
    await fillSessionForm('0');
    await pg.click('Publish session');
    await pg.waitForText('⚠ Capacity must be at least 1.');
    expect((await service().trainerSessions()).length).toBe(sessionsBefore);
    expect(fs.existsSync(await pg.screenshot('17-training-bad-capacity'))).toBe(true);
  });

  const service = () => (t.bot.deps.features.training as TrainingFeature).service;
  async function sessionIdOf(courseName: string, includeCancelled = false): Promise<string> {
    const s = (await service().trainerSessions()).find((x) => x.courseName === courseName && (includeCancelled || x.status === 'scheduled'));
    if (!s) throw new Error(`no session of ${courseName}`);
    return s.id;
  }
});
