import { DateTime } from 'luxon';
import { UserInputError } from '../errors';

export const LONDON = 'Europe/London';

/**
 * Reads a Europe/London wall time ("2026-10-25T09:00", or date "2026-10-25" + time "09:00" as Adaptive
 * Card Input.Date/Input.Time send them) and returns the UTC instant. Refuses malformed values and the
 * hour that does not exist when the clocks go forward; in the repeated hour in October the first
 * (BST) occurrence is meant.
 */
export function londonToUtc(dateOrDateTime: string, time?: string): { utc: Date; local: string } {
  const raw = time !== undefined ? `${(dateOrDateTime ?? '').trim()}T${time.trim()}` : (dateOrDateTime ?? '').trim().replace(' ', 'T');
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2})?$/.exec(raw);
  if (!m) {
    throw new UserInputError('Please give a date and a time (UK time), for example 2026-11-23 and 09:00.', {
      ...(/^\d{4}-\d{2}-\d{2}/.test(raw) ? {} : { date: 'a date like 2026-11-23' }),
      ...(/T\d{2}:\d{2}/.test(raw) ? {} : { time: 'a time like 09:00' }),
    });
  }
  const dt = DateTime.fromISO(`${m[1]}T${m[2]}`, { zone: LONDON });
  if (!dt.isValid) throw new UserInputError('That date or time does not exist.', { date: 'not a real date' });
  const local = dt.toFormat("yyyy-MM-dd'T'HH:mm");
  if (local !== `${m[1]}T${m[2]}`) {
    throw new UserInputError(`${m[2]} on ${m[1]} does not exist in the UK (the clocks go forward); pick another time.`, { time: 'skipped by the clock change' });
  }
  return { utc: dt.toUTC().toJSDate(), local: dt.toFormat('yyyy-MM-dd HH:mm') };
}

/** "Sunday 25 October 2026, 09:00" in London time, for cards. */
export function formatLondon(utc: Date | string): string {
  return DateTime.fromJSDate(new Date(utc)).setZone(LONDON).toFormat("cccc d LLLL yyyy, HH:mm");
}

export function londonToday(now: Date): string {
  return DateTime.fromJSDate(now).setZone(LONDON).toFormat('yyyy-MM-dd');
}
