import { DateTime } from 'luxon';

export interface WorkingDay {
  zone: string;
  startHour: number;
  endHour: number;
}
export const LONDON_OFFICE: WorkingDay = { zone: 'Europe/London', startHour: 9, endHour: 17 };

/**
 * Working milliseconds between two instants (Monday to Friday, start-end local time; bank holidays
 * are not known). Local wall-clock windows are computed per day, so daylight-saving changes are right.
 */
export function workingMsBetween(from: Date, to: Date, day: WorkingDay = LONDON_OFFICE): number {
  if (to <= from) return 0;
  let total = 0;
  let cursor = DateTime.fromJSDate(from, { zone: day.zone }).startOf('day');
  const end = DateTime.fromJSDate(to, { zone: day.zone });
  // A long-forgotten record must not loop for ever; ten years of days is plenty.
  for (let i = 0; cursor <= end && i < 3660; i++, cursor = cursor.plus({ days: 1 })) {
    if (cursor.weekday > 5) continue;
    const open = cursor.set({ hour: day.startHour }).toMillis();
    const close = cursor.set({ hour: day.endHour }).toMillis();
    const a = Math.max(open, from.getTime());
    const b = Math.min(close, to.getTime());
    if (b > a) total += b - a;
  }
  return total;
}

/** The instant at which `hours` working hours have passed since `from`. */
export function addWorkingHours(from: Date, hours: number, day: WorkingDay = LONDON_OFFICE): Date {
  let remaining = hours * 3_600_000;
  let cursor = DateTime.fromJSDate(from, { zone: day.zone }).startOf('day');
  for (let i = 0; i < 3660; i++, cursor = cursor.plus({ days: 1 })) {
    if (cursor.weekday > 5) continue;
    const open = Math.max(cursor.set({ hour: day.startHour }).toMillis(), from.getTime());
    const close = cursor.set({ hour: day.endHour }).toMillis();
    if (close <= open) continue;
    if (close - open >= remaining) return new Date(open + remaining);
    remaining -= close - open;
  }
  throw new Error('working hours out of range');
}
