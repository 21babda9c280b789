import { buildCoursesCard } from '../../../cards/training-courses.card';
import { bookingActionSchema } from '../../../cards/training-booking.submit';
import { buildBookingConfirmationCard, trainingRenderer } from '../../../cards/training-messages';
import { buildSessionFormCard } from '../../../cards/training-session-form.card';
import { parseSessionForm } from '../../../cards/training-session-form.submit';
import { buildMyTrainingCard, buildTrainingSessionsCard } from '../../../cards/training-sessions.card';
import { buildAttendeesCard, buildRemindCard, buildSessionSavedCard, buildTrainerSessionsCard } from '../../../cards/training-trainer.card';
import { cancelSessionSubmitSchema, remindSubmitSchema } from '../../../cards/training-trainer.submit';
import { addToCalendarLink } from '../../../src/training/calendar-link';
import type { Booking, Course, TrainingSession } from '../../../src/training/training.types';
import { validateCard } from '../../helpers/card-validator';

const session = (over: Partial<TrainingSession> = {}): TrainingSession => ({
  id: 'ts-abc123def456',
  courseId: 'professional-curiosity',
  courseName: 'Professional Curiosity',
  startUtc: '2026-10-26T10:00:00.000Z',
  endUtc: '2026-10-26T12:00:00.000Z',
  durationMinutes: 120,
  mode: 'online',
  joinUrl: 'https://teams.microsoft.com/l/meetup-join/abc',
  capacity: 2,
  trainerId: 't',
  trainerName: 'Tina *Trainer*',
  notes: 'Bring a case [example](https://evil.example)',
  status: 'scheduled',
  bookedCount: 2,
  waitingCount: 1,
  waitSeq: 1,
  revision: 0,
  timeSetAt: '2026-10-01T00:00:00.000Z',
  createdBy: 't',
  createdAt: '2026-10-01T00:00:00.000Z',
  updatedAt: '2026-10-01T00:00:00.000Z',
  ...over,
});
const booking = (status: Booking['status'], name = 'Ann Smith'): Booking => ({ sessionId: 'ts-abc123def456', personId: `p-${name}`, personName: name, status, bookedAt: '2026-10-02T09:00:00.000Z', updatedAt: '2026-10-02T09:00:00.000Z' });
const courses: Course[] = [
  { id: 'professional-curiosity', name: 'Professional Curiosity', kind: 'course', source: 'cscp-newsletter-2025-spring.txt', active: true, updatedAt: '' },
  { id: 'five-to-thrive', name: 'Five to Thrive', kind: 'course', source: 'cscp-annual-report-2024-2025.txt', attendance: 86, active: true, updatedAt: '' },
];
const s = (x: unknown) => JSON.stringify(x);
const actions = (card: unknown): any[] => {
  const out: any[] = [];
  const walk = (n: any) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    if (typeof n.type === 'string' && n.type.startsWith('Action.')) out.push(n);
    Object.values(n).forEach((v) => v && typeof v === 'object' && walk(v));
  };
  walk(card);
  return out;
};

describe('training cards', () => {
  it('sessions card: Book a place / Join the waiting list / Booked ✓ with Cancel booking, each an Action.Execute with a Submit fallback', () => {
    const open = session({ id: 'ts-open00000001', bookedCount: 0, waitingCount: 0 });
    const full = session({ id: 'ts-full00000001' });
    const mine = session({ id: 'ts-mine00000001' });
    const waiting = session({ id: 'ts-wait00000001' });
    const card = buildTrainingSessionsCard({
      views: [{ session: open }, { session: full }, { session: mine, booking: booking('booked') }, { session: waiting, booking: booking('waiting'), waitingPlace: 2 }],
      courses,
      courseId: 'professional-curiosity',
      notice: { tone: 'good', text: 'Booked ✓' },
    });
    expect(validateCard(card)).toEqual([]);
    const exec = actions(card).filter((a) => a.type === 'Action.Execute');
    expect(exec.map((a) => [a.title, a.verb, a.data.sessionId])).toEqual([
      ['Book a place', 'trainingBook', 'ts-open00000001'],
      ['Join the waiting list', 'trainingBook', 'ts-full00000001'],
      ['Cancel booking', 'trainingCancelBooking', 'ts-mine00000001'],
      ['Leave the waiting list', 'trainingCancelBooking', 'ts-wait00000001'],
    ]);
    for (const a of exec) expect(a.fallback).toMatchObject({ type: 'Action.Submit', data: { verb: a.verb, sessionId: a.data.sessionId, view: 'list', courseId: 'professional-curiosity' } });
    expect(s(card)).toContain('number 2 in line');
    // the booked session offers Add to calendar first, Cancel booking second
    expect(actions(card).filter((a) => a.type === 'Action.OpenUrl' || (a.type === 'Action.Execute' && a.data.sessionId === 'ts-mine00000001')).map((a) => a.title)).toEqual(['Add to calendar', 'Cancel booking']);
    expect(s(card)).toContain('2 of 2 places left');
    // user text is escaped: the notes' link and the trainer's emphasis do not render as markdown
    expect(s(card)).toContain('\\\\[example\\\\]');
    expect(s(card)).toContain('Tina \\\\*Trainer\\\\*');
    // only the booked person sees the join link
    expect(s(card).split('join the session').length - 1).toBe(1);
  });

  it('booking data parses from either route; a malformed session id does not', () => {
    expect(bookingActionSchema.parse({ verb: 'trainingBook', sessionId: 'ts-abc123def456', extra: 1 })).toEqual({ verb: 'trainingBook', sessionId: 'ts-abc123def456', view: 'list' });
    expect(bookingActionSchema.safeParse({ verb: 'trainingBook', sessionId: "ts-x' or 1" }).success).toBe(false);
    // The Playground (and Teams) merge the card's inputs into an Execute's data: the filter's 'all' is no course.
    expect(bookingActionSchema.parse({ verb: 'trainingBook', sessionId: 'ts-abc123def456', courseId: 'all' }).courseId).toBeUndefined();
    expect(bookingActionSchema.parse({ verb: 'trainingBook', sessionId: 'ts-abc123def456', courseId: 'working-together' }).courseId).toBe('working-together');
  });

  it('session form: valid empty and prefilled (edit asks for a reason); errors shown under each field with the typed values kept', () => {
    expect(validateCard(buildSessionFormCard({ courses, requestId: 'req123456' }))).toEqual([]);
    const edit = buildSessionFormCard({ courses, requestId: 'req123456', session: session({ mode: 'in-person', venue: 'Council House', joinUrl: undefined }) });
    expect(validateCard(edit)).toEqual([]);
    expect(s(edit)).toContain('"value":"2026-10-26"');
    expect(s(edit)).toContain('"value":"10:00"'); // 10:00 GMT after the clocks went back
    expect(s(edit)).toContain('Reason for the change (sent to the 3 people booked or waiting)');
    const parsed = parseSessionForm({ verb: 'trainingSave', requestId: 'req123456', courseId: 'five-to-thrive', date: '2026-11-02', startTime: '09:30', endTime: '12:00', mode: 'online', joinUrl: 'http://x.org', capacity: '0' });
    expect(parsed.ok).toBe(false);
    const errs = parsed.ok ? {} : parsed.fieldErrors;
    expect(errs).toEqual({ capacity: 'Capacity must be at least 1.', joinUrl: 'The join link must start with https://' });
    const again = buildSessionFormCard({ courses, requestId: 'req123456', values: { capacity: '0', joinUrl: 'http://x.org', mode: 'online' }, fieldErrors: errs });
    expect(validateCard(again)).toEqual([]);
    expect(s(again)).toContain('⚠ Capacity must be at least 1.');
    // No client-side minimum: the Playground's spin button would silently turn a typed 0 into 1.
    expect(again.body.find((e) => e.id === 'capacity')).toEqual(expect.not.objectContaining({ min: expect.anything() }));
    expect(s(again)).toContain('"value":"http://x.org"');
  });

  it('session form parses a good submission to the service input', () => {
    const r = parseSessionForm({ verb: 'trainingSave', requestId: 'req123456', courseId: 'five-to-thrive', date: '2026-11-02', startTime: '09:30', endTime: '12:00', mode: 'in-person', venue: 'Council House', capacity: '25', notes: '' });
    expect(r).toEqual({ ok: true, requestId: 'req123456', reason: '', sessionId: undefined, input: { courseId: 'five-to-thrive', date: '2026-11-02', startTime: '09:30', endTime: '12:00', mode: 'in-person', venue: 'Council House', joinUrl: undefined, capacity: 25, trainerName: undefined, notes: undefined } });
  });

  it('trainer cards validate: list with cancel/message boxes, attendees, remind, saved, courses', () => {
    const list = buildTrainerSessionsCard({ sessions: [session(), session({ id: 'ts-cancelled001', status: 'cancelled', cancelReason: 'Unwell' })], requestId: 'req123456' });
    expect(validateCard(list)).toEqual([]);
    expect(s(list)).toContain('Online · 2 of 2 booked · full · 1 waiting');
    expect(s(list)).toContain('Online · the 3 people booked or waiting were told'); // the cancelled one
    expect(s(buildTrainerSessionsCard({ sessions: [session({ bookedCount: 1, waitingCount: 0 })], requestId: 'req123456' }))).toContain('1 of 2 booked · 1 place left');
    expect(s(buildSessionSavedCard(session({ capacity: 1 }), { created: false, told: 1 }))).toContain('1 place. The 1 person booked or waiting is being told.');
    expect(s(buildSessionSavedCard(session({ capacity: 25 }), { created: false, told: 0 }))).toContain('25 places. Nobody has booked yet, so nobody needs telling.');
    const verbs = actions(list).map((a) => a.data?.verb).filter(Boolean);
    expect(verbs.filter((v) => v === 'trainingCancelSession')).toHaveLength(1); // none on the cancelled session
    // two open sessions: each has its own reason and message box (input ids unique on the card)
    expect(validateCard(buildTrainerSessionsCard({ sessions: [session(), session({ id: 'ts-second00001' })], requestId: 'req123456' }))).toEqual([]);
    expect(validateCard(buildAttendeesCard({ session: session(), booked: [booking('booked'), booking('booked', 'Bo')], waiting: [booking('waiting', 'Cy')], requestId: 'req123456' }))).toEqual([]);
    expect(validateCard(buildRemindCard({ sessions: [session()], requestId: 'req123456', fieldErrors: { message: 'Write a message.' } }))).toEqual([]);
    expect(validateCard(buildRemindCard({ sessions: [], requestId: 'req123456' }))).toEqual([]);
    expect(validateCard(buildSessionSavedCard(session(), { created: true, told: 0 }))).toEqual([]);
    const c = buildCoursesCard({ courses, fieldErrors: { name: 'Already in the catalogue.' } });
    expect(validateCard(c)).toEqual([]);
    expect(s(c)).toContain('86 attended last year');
    expect(validateCard(buildMyTrainingCard({ views: [] }))).toEqual([]);
  });

  it('trainer submit schemas: reason and message required', () => {
    expect(cancelSessionSubmitSchema.safeParse({ verb: 'trainingCancelSession', sessionId: 'ts-abc123def456', reason: '  ' }).success).toBe(false);
    expect(remindSubmitSchema.safeParse({ verb: 'trainingRemind', sessionId: 'ts-abc123def456', requestId: 'req123456', message: '' }).success).toBe(false);
    expect(remindSubmitSchema.safeParse({ verb: 'trainingRemind', sessionId: 'ts-abc123def456', requestId: 'req123456', message: 'Hi' }).success).toBe(true);
    // from the trainer list: the clicked session's own box counts, another session's does not
    const own = cancelSessionSubmitSchema.safeParse({ verb: 'trainingCancelSession', sessionId: 'ts-abc123def456', 'reason-ts-other0000001': 'not this', 'reason-ts-abc123def456': 'Room flooded' });
    expect(own.success && own.data.reason).toBe('Room flooded');
    expect(cancelSessionSubmitSchema.safeParse({ verb: 'trainingCancelSession', sessionId: 'ts-abc123def456', 'reason-ts-other0000001': 'not this' }).success).toBe(false);
    const msg = remindSubmitSchema.safeParse({ verb: 'trainingRemind', sessionId: 'ts-abc123def456', requestId: 'req123456', 'message-ts-abc123def456': 'Bring ID' });
    expect(msg.success && msg.data.message).toBe('Bring ID');
  });

  it('every outgoing message is a valid card: reminders carry the join link only when asked', () => {
    const r = session();
    const msgs = [
      trainingRenderer.reminder(r, { kind: 'd1', label: 'tomorrow', includeJoinLink: false }),
      trainingRenderer.reminder(r, { kind: 'm60', label: 'in 1 hour', includeJoinLink: true }),
      trainingRenderer.cancelled(r, 'Trainer unwell'),
      trainingRenderer.changed(r, { previousStartUtc: '2026-10-19T09:00:00.000Z', reason: 'Room' }),
      trainingRenderer.promoted(r),
      trainingRenderer.trainerMessage(r, 'Bring lunch', 'Tina'),
    ];
    for (const m of msgs) expect(validateCard(m.attachments![0].content)).toEqual([]);
    expect(s(msgs[1])).toContain('[join the session](https://teams.microsoft.com/l/meetup-join/abc)');
    expect(s(msgs[3])).toContain('Previously: Monday 19 October 2026, 10:00');
    for (const v of [{ session: r, booking: booking('booked') }, { session: r, booking: booking('waiting'), waitingPlace: 1 }]) expect(validateCard(buildBookingConfirmationCard(v))).toEqual([]);
  });

  it('Add to calendar is a Teams new-meeting deep link with ISO London times, URL-encoded', () => {
    const link = addToCalendarLink(session({ mode: 'in-person', venue: 'Council House & Annexe', startUtc: '2026-03-30T09:00:00.000Z', endUtc: '2026-03-30T11:30:00.000Z' }));
    const u = new URL(link);
    expect(`${u.origin}${u.pathname}`).toBe('https://teams.microsoft.com/l/meeting/new');
    expect(u.searchParams.get('subject')).toBe('CSCP training: Professional Curiosity');
    expect(u.searchParams.get('startTime')).toBe('2026-03-30T10:00:00+01:00');
    expect(u.searchParams.get('endTime')).toBe('2026-03-30T12:30:00+01:00');
    expect(u.searchParams.get('content')).toContain('Venue: Council House & Annexe');
    expect(link).not.toContain(' ');
    expect(link).toContain('Council%20House%20%26%20Annexe');
  });
});
