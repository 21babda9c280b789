import * as path from 'node:path';
import { ManualClock } from '../../../src/clock';
import { UserInputError } from '../../../src/errors';
import type { Tables } from '../../../src/storage/tables';
import { SessionStore } from '../../../src/training/session.store';
import { sessionIdFor } from '../../../src/training/training.service';
import { testTables } from '../../helpers/storage';
import { person, rid, rig, sessionInput, titlesFor, trainer } from './training-fixtures';

const GUIDANCE = path.join(__dirname, '../../../guidance');

describe('training service on Azurite', () => {
  let tables: Tables;
  let store: SessionStore;
  beforeAll(async () => {
    tables = await testTables();
    store = new SessionStore(tables.client('Sessions'));
    const r = rig(tables, new ManualClock('2026-03-01T10:00:00Z'));
    await r.service.seedCourses(GUIDANCE);
  });
  afterAll(async () => tables.dropAll());

  const fieldErrorsOf = async (p: Promise<unknown>): Promise<Record<string, string>> => {
    try {
      await p;
    } catch (e) {
      expect(e).toBeInstanceOf(UserInputError);
      return (e as UserInputError).fieldErrors ?? {};
    }
    throw new Error('expected a UserInputError');
  };

  describe('courses', () => {
    it('seeds the courses the documents name, once, and keeps trainer edits on a re-seed', async () => {
      const { service } = rig(tables, new ManualClock('2026-03-01T10:00:00Z'));
      const courses = await service.listCourses();
      const names = courses.map((c) => c.name);
      expect(names).toEqual(expect.arrayContaining(['Working Together to Safeguard Children', 'Management of Allegations (LADO)', 'NSPCC – Online Safety Workshop', 'Professional Curiosity', 'Substance Misuse in Pregnancy', 'Reducing Parental Conflict E-Learning']));
      expect(courses.filter((c) => c.source === 'cscp-annual-report-2024-2025.txt' && c.attendance !== undefined)).toHaveLength(18);
      expect(courses.find((c) => c.name === 'Management of Allegations (LADO)')?.attendance).toBe(118);

      await service.saveCourse({ id: 'five-to-thrive', name: 'Five to Thrive (attachment and brain development)' }, trainer.id);
      expect(await service.seedCourses(GUIDANCE)).toBe(0);
      expect((await service.getCourse('five-to-thrive'))?.name).toBe('Five to Thrive (attachment and brain development)');

      const added = await service.saveCourse({ name: 'Harmful Sexual Behaviour', description: 'AIM framework' }, trainer.id);
      expect(added.id).toBe('harmful-sexual-behaviour');
      expect(await fieldErrorsOf(service.saveCourse({ name: 'harmful sexual behaviour' }, trainer.id))).toHaveProperty('name');
    });
  });

  describe('bad input writes nothing', () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    it.each([
      ['a date in the past', { date: '2026-02-27' }, 'date'],
      ['an end before the start', { endTime: '09:00' }, 'endTime'],
      ['an end equal to the start', { endTime: '10:00' }, 'endTime'],
      ['capacity 0', { capacity: 0 }, 'capacity'],
      ['a negative capacity', { capacity: -3 }, 'capacity'],
      ['a join link that is not https', { mode: 'online' as const, venue: undefined, joinUrl: 'http://teams.microsoft.com/l/meetup-join/x' }, 'joinUrl'],
      ['an online session without a link', { mode: 'online' as const, venue: undefined }, 'joinUrl'],
      ['an in-person session without a venue', { venue: '  ' }, 'venue'],
      ['a time skipped by the spring clock change', { date: '2026-03-29', startTime: '01:30', endTime: '03:00' }, 'startTime'],
      ['an unknown course', { courseId: 'no-such-course' }, 'courseId'],
    ])('refuses %s', async (_label, over, field) => {
      const { service } = rig(tables, clock);
      const requestId = rid();
      const errors = await fieldErrorsOf(service.createSession(sessionInput(over), trainer, requestId));
      expect(errors).toHaveProperty(field);
      expect(await store.get(sessionIdFor(requestId, trainer.id))).toBeUndefined();
    });
  });

  it('creates one session for a double-submitted form', async () => {
    const { service } = rig(tables, new ManualClock('2026-03-01T10:00:00Z'));
    const requestId = rid();
    const [a, b] = await Promise.all([service.createSession(sessionInput(), trainer, requestId), service.createSession(sessionInput(), trainer, requestId)]);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(a.session.id).toBe(b.session.id);
    expect(a.session).toMatchObject({ startUtc: '2026-03-30T09:00:00.000Z', endUtc: '2026-03-30T11:30:00.000Z', durationMinutes: 150, trainerName: 'Tina Trainer' });
  });

  describe('booking', () => {
    it('books two, wait-lists the third, and a double click books once', async () => {
      const { service } = rig(tables, new ManualClock('2026-03-01T10:00:00Z'));
      const { session } = await service.createSession(sessionInput({ capacity: 2 }), trainer, rid());
      const clicks = await Promise.all([service.book(session.id, person(1)), service.book(session.id, person(1)), service.book(session.id, person(1))]);
      expect(clicks.map((c) => c.outcome).sort()).toEqual(['already-booked', 'already-booked', 'booked']);
      expect((await service.book(session.id, person(2))).outcome).toBe('booked');
      const third = await service.book(session.id, person(3));
      expect(third.outcome).toBe('waiting');
      expect(third.view.waitingPlace).toBe(1);
      const s = await store.get(session.id);
      expect(s).toMatchObject({ bookedCount: 2, waitingCount: 1 });
      const rows = await store.bookings(session.id);
      expect(rows.map((r) => [r.personId, r.status])).toEqual([
        [person(1).id, 'booked'],
        [person(2).id, 'booked'],
        [person(3).id, 'waiting'],
      ]);
    });

    it('holds capacity under concurrent bookings on two instances: the counter matches the rows', async () => {
      const clock = new ManualClock('2026-03-01T10:00:00Z');
      const [a, b] = [rig(tables, clock, undefined, 'one'), rig(tables, clock, undefined, 'two')];
      const { session } = await a.service.createSession(sessionInput({ capacity: 3 }), trainer, rid());
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).service.book(session.id, person(100 + i))));
      expect(results.filter((r) => r.outcome === 'booked')).toHaveLength(3);
      expect(results.filter((r) => r.outcome === 'waiting')).toHaveLength(9);
      const rows = await store.bookings(session.id);
      expect(rows.filter((r) => r.status === 'booked')).toHaveLength(3);
      const positions = rows.filter((r) => r.status === 'waiting').map((r) => r.waitPosition);
      expect(new Set(positions).size).toBe(9);
      expect(await store.get(session.id)).toMatchObject({ bookedCount: 3, waitingCount: 9, waitSeq: 9 });
    });

    it('promotes the first in line when a booked person cancels, and tells them', async () => {
      const { service, notifier } = rig(tables, new ManualClock('2026-03-01T10:00:00Z'));
      const { session } = await service.createSession(sessionInput({ capacity: 1 }), trainer, rid());
      await service.book(session.id, person(11));
      await service.book(session.id, person(12));
      await service.book(session.id, person(13));
      const res = await service.cancelBooking(session.id, person(11).id);
      expect(res.outcome).toBe('cancelled');
      expect(res.promoted?.personId).toBe(person(12).id);
      await service.whenIdle();
      expect(titlesFor(notifier, person(12).id)).toEqual(['A place came up: you are booked ✓']);
      expect(titlesFor(notifier, person(13).id)).toEqual([]);
      expect(await store.get(session.id)).toMatchObject({ bookedCount: 1, waitingCount: 1 });
      expect((await service.myBookings(person(12).id)).map((v) => v.booking?.status)).toEqual(['booked']);
      expect((await service.myBookings(person(13).id))[0].waitingPlace).toBe(1);
      expect(await service.myBookings(person(11).id)).toEqual([]);
      // cancelling again changes nothing
      expect((await service.cancelBooking(session.id, person(11).id)).outcome).toBe('not-booked');
      expect(await store.get(session.id)).toMatchObject({ bookedCount: 1, waitingCount: 1 });
    });

    it('refuses to book a cancelled session and writes nothing', async () => {
      const { service, notifier } = rig(tables, new ManualClock('2026-03-01T10:00:00Z'));
      const { session } = await service.createSession(sessionInput(), trainer, rid());
      await service.book(session.id, person(21));
      await service.cancelSession(session.id, 'Trainer unwell', trainer);
      await expect(service.book(session.id, person(22))).rejects.toThrow(/cancelled/);
      expect(await store.getBooking(session.id, person(22).id)).toBeUndefined();
      expect(await store.get(session.id)).toMatchObject({ bookedCount: 1, status: 'cancelled', cancelReason: 'Trainer unwell' });
      await service.whenIdle();
      expect(titlesFor(notifier, person(21).id)).toEqual(['Training session cancelled']);
      // a second cancel tells nobody again
      expect((await service.cancelSession(session.id, 'again', trainer)).changed).toBe(false);
      await service.whenIdle();
      expect(titlesFor(notifier, person(21).id)).toHaveLength(1);
    });

    it('edits: capacity below the number booked is refused; raising it promotes the waiting list; booked people are told with the reason', async () => {
      const { service, notifier } = rig(tables, new ManualClock('2026-03-01T10:00:00Z'));
      const { session } = await service.createSession(sessionInput({ capacity: 2 }), trainer, rid());
      for (const n of [31, 32, 33, 34]) await service.book(session.id, person(n));
      expect(await fieldErrorsOf(service.updateSession(session.id, sessionInput({ capacity: 1 }), 'smaller room', trainer))).toHaveProperty('capacity');
      expect(await fieldErrorsOf(service.updateSession(session.id, sessionInput({ capacity: 3 }), '', trainer))).toHaveProperty('reason');
      const after = await service.updateSession(session.id, sessionInput({ capacity: 3, startTime: '13:00', endTime: '15:00' }), 'Bigger room in the afternoon', trainer);
      expect(after).toMatchObject({ capacity: 3, bookedCount: 3, waitingCount: 1, startUtc: '2026-03-30T12:00:00.000Z', revision: 1 });
      await service.whenIdle();
      expect(titlesFor(notifier, person(31).id)).toEqual(['Training session rescheduled']);
      expect(titlesFor(notifier, person(33).id).sort()).toEqual(['A place came up: you are booked ✓', 'Training session rescheduled'].sort());
      const changed = notifier.sends.find((s) => s.target.conversationId === `conv-${person(31).id}`)!;
      expect(JSON.stringify(changed.message)).toContain('Bigger room in the afternoon');
    });

    it('sends a trainer message once per form to the people booked only', async () => {
      const { service, notifier } = rig(tables, new ManualClock('2026-03-01T10:00:00Z'));
      const { session } = await service.createSession(sessionInput({ capacity: 1 }), trainer, rid());
      await service.book(session.id, person(41));
      await service.book(session.id, person(42));
      const requestId = rid();
      await service.sendMessage(session.id, 'Please bring your ID badge', trainer, requestId);
      await service.sendMessage(session.id, 'Please bring your ID badge', trainer, requestId);
      await service.whenIdle();
      expect(titlesFor(notifier, person(41).id)).toEqual(['Message from your trainer']);
      expect(titlesFor(notifier, person(42).id)).toEqual([]);
      expect(await fieldErrorsOf(service.sendMessage(session.id, '   ', trainer, rid()))).toHaveProperty('message');
    });

    it('attendee CSV lists booked then waiting, and neutralises formula-looking names', async () => {
      const { service } = rig(tables, new ManualClock('2026-03-01T10:00:00Z'));
      const { session } = await service.createSession(sessionInput({ capacity: 1 }), trainer, rid());
      await service.book(session.id, { id: person(51).id, name: 'Ann "Nan" Smith' });
      await service.book(session.id, { id: person(52).id, name: '=HYPERLINK("x")' });
      const { filename, csv } = await service.attendeesCsv(session.id);
      expect(filename).toBe('attendees-working-together-to-safeguard-children-2026-03-30.csv');
      const lines = csv.trim().split('\r\n');
      expect(lines[0]).toBe('"Name","Status","Wait position","Booked at (UK time)","Entra object id","Course","Session start (UK time)"');
      expect(lines[1]).toMatch(/^"Ann ""Nan"" Smith","booked","",/);
      expect(lines[2]).toMatch(/^"'=HYPERLINK\(""x""\)","waiting list","1",/);
      expect(lines[1]).toContain('"2026-03-30 10:00"');
    });
  });
});
