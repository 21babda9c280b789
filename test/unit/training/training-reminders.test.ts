import * as path from 'node:path';
import { ManualClock } from '../../../src/clock';
import type { Tables } from '../../../src/storage/tables';
import { dueReminders, reminderPlan } from '../../../src/training/reminder-schedule';
import { CaptureNotifier } from '../../helpers/capture-notifier';
import { waitUntil } from '../../helpers/flows';
import { testTables } from '../../helpers/storage';
import { person, rid, rig, SETTINGS, sessionInput, titlesFor, trainer } from './training-fixtures';

const GUIDANCE = path.join(__dirname, '../../../guidance');
const iso = (d: Date) => d.toISOString();

describe('reminder plan (pure)', () => {
  it('spring change: a Monday 10:00 session gets its 1-day reminder at 09:00 BST on the Sunday the clocks went forward', () => {
    // Clocks go forward at 01:00 UTC on Sunday 29 March 2026; Monday 30 March 10:00 BST is 09:00Z.
    const plans = reminderPlan({ startUtc: '2026-03-30T09:00:00.000Z', mode: 'in-person' }, SETTINGS);
    expect(plans.map((p) => [p.kind, iso(p.dueAt)])).toEqual([
      ['d7', '2026-03-23T09:00:00.000Z'], // Monday 23 March, 09:00 GMT
      ['d1', '2026-03-29T08:00:00.000Z'], // Sunday 29 March, 09:00 BST
    ]);
  });

  it('autumn change: a Monday 10:00 session gets its 1-day reminder at 09:00 GMT on the Sunday the clocks went back', () => {
    // Clocks go back at 01:00 UTC on Sunday 25 October 2026; Monday 26 October 10:00 GMT is 10:00Z.
    const plans = reminderPlan({ startUtc: '2026-10-26T10:00:00.000Z', mode: 'online' }, SETTINGS);
    expect(plans.map((p) => [p.kind, iso(p.dueAt), p.includeJoinLink])).toEqual([
      ['d7', '2026-10-19T08:00:00.000Z', true], // Monday 19 October, 09:00 BST
      ['d1', '2026-10-25T09:00:00.000Z', true], // Sunday 25 October, 09:00 GMT
      ['m60', '2026-10-26T09:00:00.000Z', true], // one hour before, with the join link
    ]);
  });

  it('follows the configured offsets and drops reminders due after the start', () => {
    const plans = reminderPlan({ startUtc: '2026-06-10T07:30:00.000Z', mode: 'in-person' }, { reminderDays: [3, 0], reminderTime: '08:15', onlineReminderMinutes: 0 });
    // 0 days before at 08:15 BST is after the 08:30 BST start? No: 08:15 < 08:30, so it stays.
    expect(plans.map((p) => [p.kind, iso(p.dueAt), p.label])).toEqual([
      ['d3', '2026-06-07T07:15:00.000Z', 'in 3 days'],
      ['d0', '2026-06-10T07:15:00.000Z', 'today'],
    ]);
    const late = reminderPlan({ startUtc: '2026-06-10T06:30:00.000Z', mode: 'online' }, { reminderDays: [0], reminderTime: '09:00', onlineReminderMinutes: 0 });
    expect(late).toEqual([]);
  });
});

describe('which due reminders are sent (pure)', () => {
  const plans = reminderPlan({ startUtc: '2026-03-30T09:00:00.000Z', mode: 'online' }, SETTINGS);
  const kinds = (r: { send: { kind: string }[]; skip: { kind: string }[] }) => ({ send: r.send.map((p) => p.kind), skip: r.skip.map((p) => p.kind) });
  it('sends the reminder that has just fallen due', () => {
    expect(kinds(dueReminders(plans, new Date('2026-03-23T09:00:00Z'), '2026-03-30T09:00:00.000Z', '2026-03-01T00:00:00Z'))).toEqual({ send: ['d7'], skip: [] });
  });
  it('passes over a reminder due before the session was published or moved', () => {
    expect(kinds(dueReminders(plans, new Date('2026-03-25T09:00:00Z'), '2026-03-30T09:00:00.000Z', '2026-03-25T08:00:00Z'))).toEqual({ send: [], skip: ['d7'] });
  });
  it('after downtime sends only the latest due reminder, and nothing once it is hours stale or the session started', () => {
    expect(kinds(dueReminders(plans, new Date('2026-03-30T08:10:00Z'), '2026-03-30T09:00:00.000Z', '2026-03-01T00:00:00Z'))).toEqual({ send: ['m60'], skip: ['d7', 'd1'] });
    expect(kinds(dueReminders(plans, new Date('2026-03-29T15:00:00Z'), '2026-03-30T09:00:00.000Z', '2026-03-01T00:00:00Z'))).toEqual({ send: [], skip: ['d7', 'd1'] });
    expect(kinds(dueReminders(plans, new Date('2026-03-30T09:00:00Z'), '2026-03-30T09:00:00.000Z', '2026-03-01T00:00:00Z'))).toEqual({ send: [], skip: [] });
  });
});

describe('reminder ticks on Azurite', () => {
  let tables: Tables;
  beforeAll(async () => {
    tables = await testTables();
    await rig(tables, new ManualClock('2026-01-01T00:00:00Z')).service.seedCourses(GUIDANCE);
  });
  afterAll(async () => tables.dropAll());

  async function bookThree(r: ReturnType<typeof rig>, input = sessionInput({ capacity: 2 }), base = 0) {
    const { session } = await r.service.createSession(input, trainer, rid());
    for (const n of [1, 2, 3]) await r.service.book(session.id, person(base + n));
    return session;
  }

  it('spring DST: 7-day and 1-day reminders go out once each at 09:00 London, to booked people only, across two instances', async () => {
    const clock = new ManualClock('2026-03-10T12:00:00Z');
    const notifier = new CaptureNotifier();
    const a = rig(tables, clock, notifier, 'instance-a');
    const b = rig(tables, clock, notifier, 'instance-b');
    const session = await bookThree(a, sessionInput({ capacity: 2, date: '2026-03-30' }), 100);

    clock.set('2026-03-23T08:59:00Z');
    await Promise.all([a.service.tick(), b.service.tick()]);
    expect(notifier.sends).toHaveLength(0);

    clock.set('2026-03-23T09:00:00Z'); // Monday 09:00 GMT
    const [ta, tb] = await Promise.all([a.service.tick(), b.service.tick()]);
    expect([...ta.started, ...tb.started]).toEqual([`reminder:${session.id}:d7:2026-03-30T09:00:00.000Z`]);
    await Promise.all([a.service.tick(), b.service.tick()]);
    expect(titlesFor(notifier, person(101).id)).toEqual(['Reminder: training in 7 days']);
    expect(titlesFor(notifier, person(102).id)).toEqual(['Reminder: training in 7 days']);
    expect(titlesFor(notifier, person(103).id)).toEqual([]); // waiting list: no reminder

    clock.set('2026-03-29T07:59:00Z'); // 08:59 BST on the Sunday the clocks went forward
    await a.service.tick();
    expect(notifier.sends).toHaveLength(2);
    clock.set('2026-03-29T08:00:00Z'); // 09:00 BST
    await Promise.all([a.service.tick(), b.service.tick(), a.service.tick()]);
    clock.advance(60_000);
    await Promise.all([a.service.tick(), b.service.tick()]);
    expect(titlesFor(notifier, person(101).id)).toEqual(['Reminder: training in 7 days', 'Reminder: training tomorrow']);
    expect(titlesFor(notifier, person(102).id)).toEqual(['Reminder: training in 7 days', 'Reminder: training tomorrow']);
    expect(notifier.sends).toHaveLength(4);
  });

  it('autumn DST: an online Monday session gets 09:00 GMT Sunday and 1-hour reminders, the last with the join link; a cancelled booking gets none', async () => {
    const clock = new ManualClock('2026-10-01T12:00:00Z');
    const r = rig(tables, clock);
    const joinUrl = 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0';
    const session = await bookThree(r, sessionInput({ capacity: 3, date: '2026-10-26', mode: 'online', venue: undefined, joinUrl }), 200);
    await r.service.cancelBooking(session.id, person(203).id);

    clock.set('2026-10-25T08:59:00Z'); // 08:59 GMT (the clocks went back at 01:00 UTC)
    await r.service.tick();
    expect(titlesFor(r.notifier, person(201).id)).toEqual([]);
    clock.set('2026-10-25T09:00:00Z');
    await r.service.tick();
    await r.service.tick();
    expect(titlesFor(r.notifier, person(201).id)).toEqual(['Reminder: training tomorrow']);

    clock.set('2026-10-26T09:00:00Z'); // one hour before 10:00 GMT
    await r.service.tick();
    await r.service.tick();
    for (const p of [201, 202]) expect(titlesFor(r.notifier, person(p).id)).toEqual(['Reminder: training tomorrow', 'Reminder: training in 1 hour']);
    expect(titlesFor(r.notifier, person(203).id)).toEqual([]);
    const last = r.notifier.sends[r.notifier.sends.length - 1];
    expect(JSON.stringify(last.message)).toContain(joinUrl);
    // No tick ran when the 7-day reminder was due (19 October): six days late it is passed over, not sent.
    expect(r.notifier.sends.every((s) => !JSON.stringify(s.message).includes('in 7 days'))).toBe(true);
  });

  it('a session rescheduled after a reminder went out gets the reminders for its new time; a cancelled session gets none', async () => {
    const clock = new ManualClock('2026-05-01T12:00:00Z');
    const r = rig(tables, clock);
    const session = await bookThree(r, sessionInput({ capacity: 2, date: '2026-05-12' }), 300);
    clock.set('2026-05-11T08:00:00Z'); // 09:00 BST the day before
    await r.service.tick();
    expect(titlesFor(r.notifier, person(301).id)).toEqual(['Reminder: training tomorrow']);

    clock.set('2026-05-11T10:00:00Z');
    await r.service.updateSession(session.id, sessionInput({ capacity: 2, date: '2026-05-19' }), 'Room double-booked', trainer);
    await r.service.whenIdle();
    expect(titlesFor(r.notifier, person(301).id)).toEqual(['Reminder: training tomorrow', 'Training session rescheduled']);

    clock.set('2026-05-12T08:00:00Z'); // 7 days before the new date, 09:00 BST
    await r.service.tick();
    clock.set('2026-05-18T08:00:00Z');
    await r.service.tick();
    await r.service.tick();
    expect(titlesFor(r.notifier, person(301).id)).toEqual(['Reminder: training tomorrow', 'Training session rescheduled', 'Reminder: training in 7 days', 'Reminder: training tomorrow']);

    const other = await bookThree(r, sessionInput({ capacity: 2, date: '2026-05-28' }), 310);
    await r.service.cancelSession(other.id, 'Trainer unavailable', trainer);
    await r.service.whenIdle();
    clock.set('2026-05-27T08:00:00Z');
    await r.service.tick();
    expect(titlesFor(r.notifier, person(311).id)).toEqual(['Training session cancelled']);
  });

  it('resumes a reminder left half-sent by a crashed instance, without sending twice', async () => {
    const clock = new ManualClock('2026-07-01T12:00:00Z');
    // Instance A's sends to person 402 hang (the process "dies" mid-send).
    let stuck = false; // set when the send to person 402 has started (and hangs)
    const hanging = new CaptureNotifier((t) => (t.conversationId.endsWith(person(402).id) ? ((stuck = true), 'hang') : undefined));
    const a = rig(tables, clock, hanging, 'crashy');
    const session = await bookThree(a, sessionInput({ capacity: 3, date: '2026-07-10' }), 400);
    clock.set('2026-07-09T08:00:00Z');
    void a.service.tick();
    await waitUntil(() => stuck && titlesFor(hanging, person(401).id).length > 0, 10_000, "person 401's reminder sent and 402's hanging");
    a.service.stop();
    expect(titlesFor(hanging, person(401).id)).toEqual(['Reminder: training tomorrow']);

    clock.advance(60_000 * 6); // past the engine's claim and the tick lease
    const b = rig(tables, clock, new CaptureNotifier(), 'healthy');
    const t = await b.service.tick();
    expect(t.resumed).toEqual([`reminder:${session.id}:d1:2026-07-10T09:00:00.000Z`]);
    expect(titlesFor(b.notifier, person(401).id)).toEqual([]);
    expect(titlesFor(b.notifier, person(402).id)).toEqual(['Reminder: training tomorrow']);
    expect(titlesFor(b.notifier, person(403).id).length + titlesFor(hanging, person(403).id).length).toBe(1);
  });

  it('a 1-hour reminder held up by a crash until after the start still goes out, saying so; not to a booking cancelled meanwhile', async () => {
    const clock = new ManualClock('2026-08-01T12:00:00Z');
    const joinUrl = 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_late%40thread.v2/0';
    let stuck = false; // set when the send to person 502 has started (and hangs)
    const hanging = new CaptureNotifier((t) => (t.conversationId.endsWith(person(502).id) ? ((stuck = true), 'hang') : undefined));
    const a = rig(tables, clock, hanging, 'dies-at-due');
    const session = await bookThree(a, sessionInput({ capacity: 3, date: '2026-08-12', mode: 'online', venue: undefined, joinUrl }), 500);
    clock.set('2026-08-12T08:00:00Z'); // 09:00 BST: one hour before the 10:00 BST start
    void a.service.tick();
    await waitUntil(() => stuck && titlesFor(hanging, person(501).id).length > 0, 10_000, "person 501's reminder sent and 502's hanging");
    a.service.stop(); // the instance dies with person 502's send in flight
    expect(titlesFor(hanging, person(501).id)).toEqual(['Reminder: training in 1 hour']);

    await a.service.cancelBooking(session.id, person(503).id);
    clock.set('2026-08-12T09:05:00Z'); // the session started 5 minutes ago
    const b = rig(tables, clock, new CaptureNotifier(), 'takes-over');
    const t = await b.service.tick();
    expect(t.resumed).toEqual([`reminder:${session.id}:m60:2026-08-12T09:00:00.000Z`]);
    expect(titlesFor(b.notifier, person(502).id)).toEqual(['Reminder: training has started: join now']);
    expect(JSON.stringify(b.notifier.sends[0].message)).toContain(joinUrl);
    expect(titlesFor(b.notifier, person(503).id)).toEqual([]); // cancelled meanwhile
    expect(titlesFor(b.notifier, person(501).id)).toEqual([]); // already had it
  });

  it('reminders for different sessions go out side by side: one stuck batch does not hold up another', async () => {
    const clock = new ManualClock('2026-09-01T12:00:00Z');
    const stuck = person(601).id;
    const notifier = new CaptureNotifier((t) => (t.conversationId.endsWith(stuck) ? 'hang' : undefined));
    const r = rig(tables, clock, notifier, 'side-by-side');
    await bookThree(r, sessionInput({ capacity: 3, date: '2026-09-10' }), 600);
    await bookThree(r, sessionInput({ capacity: 3, date: '2026-09-10', startTime: '13:00', endTime: '15:00' }), 610);
    clock.set('2026-09-09T08:00:00Z'); // both sessions' day-before reminders are due now
    const tick = await r.service.tick({ wait: false });
    expect(tick.started).toHaveLength(2);
    const deadline = Date.now() + 5000;
    while (titlesFor(notifier, person(613).id).length === 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
    for (const p of [611, 612, 613]) expect(titlesFor(notifier, person(p).id)).toEqual(['Reminder: training tomorrow']);
    r.service.stop();
  });
});
