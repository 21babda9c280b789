import { DateTime } from 'luxon';
import { LONDON } from '../digests/london-time';
import type { TrainingSession } from './training.types';

const iso = (utc: string) => DateTime.fromISO(utc, { zone: 'utc' }).setZone(LONDON).toISO({ suppressMilliseconds: true }) ?? utc;

/**
 * Teams "new meeting" deep link prefilled with the session, so a booked person can put it in their
 * calendar. Teams takes subject, startTime, endTime (ISO 8601 with offset) and content; there is no
 * location parameter, so the venue or join link goes in the content.
 */
export function addToCalendarLink(s: Pick<TrainingSession, 'courseName' | 'startUtc' | 'endUtc' | 'mode' | 'venue' | 'joinUrl'>): string {
  const where = s.mode === 'online' ? `Online: ${s.joinUrl ?? ''}` : `Venue: ${s.venue ?? ''}`;
  const params = [
    ['subject', `CSCP training: ${s.courseName}`],
    ['startTime', iso(s.startUtc)],
    ['endTime', iso(s.endUtc)],
    ['content', `${where}\nBooked through the CSCP assistant.`],
  ];
  return `https://teams.microsoft.com/l/meeting/new?${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
}
