import { DateTime } from 'luxon';
import { addToCalendarLink } from '../src/training/calendar-link';
import type { SessionView, TrainingSession } from '../src/training/training.types';
import { escapeCardText, text, type CardElement } from './card';

/** Every verb the training cards send (Action.Submit data or Action.Execute verb). */
export const TRAINING_VERBS = {
  list: 'training',
  filter: 'trainingFilter',
  book: 'trainingBook',
  cancelBooking: 'trainingCancelBooking',
  mine: 'trainingMine',
  newSession: 'trainingNew',
  save: 'trainingSave',
  edit: 'trainingEdit',
  cancelSession: 'trainingCancelSession',
  attendees: 'trainingAttendees',
  attendeesCsv: 'trainingAttendeesCsv',
  remind: 'trainingRemind',
  trainerList: 'trainingList',
  courses: 'trainingCourses',
  courseSave: 'trainingCourseSave',
} as const;

const LONDON = 'Europe/London';
const local = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' }).setZone(LONDON);

/** "Monday 30 March 2026, 10:00–12:30 (2 h 30 min)" in UK time. */
export function whenText(s: Pick<TrainingSession, 'startUtc' | 'endUtc' | 'durationMinutes'>): string {
  const h = Math.floor(s.durationMinutes / 60);
  const m = s.durationMinutes % 60;
  const dur = [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ');
  return `${local(s.startUtc).toFormat('cccc d LLLL yyyy, HH:mm')}–${local(s.endUtc).toFormat('HH:mm')} (${dur})`;
}

export const whereText = (s: Pick<TrainingSession, 'mode' | 'venue'>) => (s.mode === 'online' ? 'Online (Teams link sent when you book and before the session)' : escapeCardText(s.venue ?? ''));

/**
 * Action.Execute (Universal Actions: the bot answers with the refreshed card) with an Action.Submit
 * fallback carrying the same data, for hosts that cannot run Execute.
 */
export function executeAction(title: string, verb: string, data: Record<string, unknown>, style?: 'positive' | 'destructive'): CardElement {
  const d = { verb, ...data };
  return { type: 'Action.Execute', title, verb, data: d, ...(style ? { style } : {}), fallback: { type: 'Action.Submit', title, data: d, ...(style ? { style } : {}) } };
}

/** "1 person", "3 people". */
export const peopleText = (n: number): string => (n === 1 ? '1 person' : `${n} people`);

/** "1 place", "20 places". */
export const placesCount = (n: number): string => `${n} place${n === 1 ? '' : 's'}`;

export const openUrl = (title: string, url: string): CardElement => ({ type: 'Action.OpenUrl', title, url });

export function placesText(s: TrainingSession): string {
  const left = Math.max(0, s.capacity - s.bookedCount);
  if (left > 0) return `${left} of ${s.capacity} place${s.capacity === 1 ? '' : 's'} left`;
  return `Full${s.waitingCount ? ` · ${s.waitingCount} on the waiting list` : ''}`;
}

export function sessionFacts(s: TrainingSession, opts: { joinLink?: boolean } = {}): CardElement {
  const facts = [
    { title: 'When', value: whenText(s) },
    { title: 'Where', value: s.mode === 'online' ? (opts.joinLink && s.joinUrl ? `Online: [join the session](${s.joinUrl})` : 'Online (Microsoft Teams)') : escapeCardText(s.venue ?? '') },
    { title: 'Trainer', value: escapeCardText(s.trainerName) },
  ];
  return { type: 'FactSet', facts, spacing: 'Small' };
}

export interface BlockContext {
  /** Which card the block sits on, so a button's refreshed card is the same card. */
  view: 'list' | 'mine';
  courseId?: string;
}

/** One session as a practitioner sees it, with the buttons that fit their booking. */
export function sessionBlock(v: SessionView, ctx: BlockContext): CardElement {
  const s = v.session;
  const data = { sessionId: s.id, view: ctx.view, ...(ctx.courseId ? { courseId: ctx.courseId } : {}) };
  const items: CardElement[] = [
    text(`**${escapeCardText(s.courseName)}**`, { size: 'Medium' }),
    sessionFacts(s, { joinLink: v.booking?.status === 'booked' }),
  ];
  if (s.notes) items.push(text(escapeCardText(s.notes), { isSubtle: true, size: 'Small' }));
  const actions: CardElement[] = [];
  if (s.status === 'cancelled') {
    items.push(text(`✖ Cancelled by the trainer${s.cancelReason ? `: ${escapeCardText(s.cancelReason)}` : ''}`, { color: 'Attention', weight: 'Bolder' }));
  } else if (v.booking?.status === 'booked') {
    items.push(text('Booked ✓', { color: 'Good', weight: 'Bolder' }));
    // Add to calendar first: right after booking, a red Cancel as the first button invites a slip.
    actions.push(openUrl('Add to calendar', addToCalendarLink(s)), executeAction('Cancel booking', TRAINING_VERBS.cancelBooking, data, 'destructive'));
  } else if (v.booking?.status === 'waiting') {
    items.push(text(`On the waiting list${v.waitingPlace ? ` (number ${v.waitingPlace} in line)` : ''}: you will get a message if a place comes up.`, { color: 'Warning', weight: 'Bolder' }));
    actions.push(executeAction('Leave the waiting list', TRAINING_VERBS.cancelBooking, data));
  } else {
    items.push(text(placesText(s), { isSubtle: true, spacing: 'Small' }));
    const full = s.bookedCount >= s.capacity;
    actions.push(executeAction(full ? 'Join the waiting list' : 'Book a place', TRAINING_VERBS.book, data, 'positive'));
  }
  if (actions.length) items.push({ type: 'ActionSet', actions });
  return { type: 'Container', separator: true, spacing: 'Medium', items };
}
