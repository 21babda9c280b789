import { DateTime } from 'luxon';
import { LONDON } from '../digests/london-time';
import type { Booking, TrainingSession } from './training.types';

/** One CSV cell: quoted, and a leading = + - @ neutralised so a spreadsheet never runs a name as a formula. */
function cell(v: string | number | undefined): string {
  let s = v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

const london = (iso?: string) => (iso ? DateTime.fromISO(iso, { zone: 'utc' }).setZone(LONDON).toFormat('yyyy-MM-dd HH:mm') : '');

/** The attendee list as CSV (booked first, then the waiting list in order), CRLF line ends as RFC 4180 has them. */
export function attendeesCsv(session: TrainingSession, bookings: Booking[]): { filename: string; csv: string } {
  const booked = bookings.filter((b) => b.status === 'booked');
  const waiting = bookings.filter((b) => b.status === 'waiting');
  const rows: (string | number | undefined)[][] = [['Name', 'Status', 'Wait position', 'Booked at (UK time)', 'Entra object id', 'Course', 'Session start (UK time)']];
  booked.forEach((b) => rows.push([b.personName, 'booked', '', london(b.bookedAt), b.personId, session.courseName, london(session.startUtc)]));
  waiting.forEach((b, i) => rows.push([b.personName, 'waiting list', i + 1, london(b.bookedAt), b.personId, session.courseName, london(session.startUtc)]));
  const csv = rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
  const date = DateTime.fromISO(session.startUtc, { zone: 'utc' }).setZone(LONDON).toFormat('yyyy-MM-dd');
  return { filename: `attendees-${session.courseId}-${date}.csv`, csv };
}
